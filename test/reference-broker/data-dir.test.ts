/**
 * `kconform broker --data-dir` refuses a directory it cannot own, before it says "ready": a
 * second broker on the same directory (Kafka's `.lock`), a read-only directory, a file, a torn
 * kconform-metadata.json. Each is one line on stderr and the right exit code, and the broker
 * that owns the directory keeps every acknowledged record.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { createTopicBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { spawnBroker, waitReady } from '../helpers/broker-process.ts';
import { readOnlyCapableDir } from '../helpers/read-only-dir.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { readLog } from '../helpers/read-log.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-datadir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lines a refused start printed (node's own warnings aside). */
function refusal(output: string): string[] {
  return output.split('\n').filter((l) => l.trim() !== '' && !l.includes('ExperimentalWarning') && !l.includes('--trace-warnings'));
}

async function produceN(bootstrap: string, topic: string, from: number, n: number): Promise<void> {
  const c = await RawClient.connect(bootstrap);
  try {
    for (let i = from; i < from + n; i += 100) {
      const batch = buildRecordBatch(Array.from({ length: 100 }, (_, k) => ({ value: `r${i + k}` })));
      const r = await c.request(ApiKey.Produce, 9, produceBody(topic, batch, { acks: -1 }));
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
  } finally {
    c.close();
  }
}

describe('kconform broker --data-dir', () => {
  it('refuses a second broker on the same directory (exit 3, one line); the first keeps all 1,000 acknowledged records', async () => {
    const dataDir = join(scratch, 'shared');
    const topic = uniqueTopic('lock');
    const first = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    try {
      const bootstrap = await waitReady(first);
      const c = await RawClient.connect(bootstrap);
      await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
      c.close();
      await produceN(bootstrap, topic, 0, 500);
      const second = spawnBroker(['--port', '0', '--data-dir', dataDir]);
      expect(await second.exited).toBe(3);
      const lines = refusal(second.output());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`data directory ${dataDir} is in use by another broker`);
      expect(lines[0]).toContain(`process ${first.child.pid}`);
      await produceN(bootstrap, topic, 500, 500);
    } finally {
      await first.stop();
    }
    const again = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    try {
      const values = (await readLog(await waitReady(again), topic)).map((r) => r.value);
      expect(values).toEqual(Array.from({ length: 1_000 }, (_, i) => `r${i}`));
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('calls a data dir that is a file "not a directory" (exit 2, one line)', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const p = spawnBroker(['--port', '0', '--data-dir', file]);
    expect(await p.exited).toBe(2);
    expect(refusal(p.output())).toEqual([`kconform: data directory ${file} is not a directory`]);
  }, 30_000);

  it('refuses a data dir that became read-only before saying ready (exit 3, one line)', async (ctx) => {
    const ro = readOnlyCapableDir();
    if (!ro) return ctx.skip();
    try {
      // A broker wrote there, then the disk was remounted read-only (what a file system does after errors).
      const first = spawnBroker(['--port', '0', '--data-dir', ro.dir]);
      await waitReady(first);
      await first.stop();
      ro.makeReadOnly();
      const p = spawnBroker(['--port', '0', '--data-dir', ro.dir]);
      expect(await p.exited).toBe(3);
      const lines = refusal(p.output());
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`data directory ${ro.dir} is not writable \\((EROFS|EACCES)`));
      expect(p.output()).not.toContain('ready');
    } finally {
      ro.cleanup();
    }
  }, 60_000);

  it('names a torn kconform-metadata.json (exit 3, one line)', async () => {
    const dataDir = join(scratch, 'torn-meta');
    const first = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    const bootstrap = await waitReady(first);
    const c = await RawClient.connect(bootstrap);
    await c.request(ApiKey.CreateTopics, 7, createTopicBody(uniqueTopic('meta')));
    c.close();
    await first.stop();
    const path = join(dataDir, 'kconform-metadata.json');
    writeFileSync(path, '{"version":1,"clusterId":"kconform-ref');
    const p = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    expect(await p.exited).toBe(3);
    const lines = refusal(p.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${path} is damaged`);
  }, 60_000);
});
