/**
 * `kconform broker --data-dir` refuses a directory it cannot own, before it says "ready": a
 * second broker on the same directory (Kafka's `.lock`), a read-only directory, a file, a
 * directory an older broker wrote (kconform-metadata.json). Each is one line on stderr and the right exit code, and the broker
 * that owns the directory keeps every acknowledged record.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  return output
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.includes('ExperimentalWarning') && !l.includes('--trace-warnings'));
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

  it('refuses a data dir written by a broker from before the one-voter metadata log (exit 3, one line), and changes nothing in it', async () => {
    // What a single-node broker before issue 14 left: its topic list, producer ids and group
    // offsets in kconform-metadata.json (the shape its MetadataStore wrote) beside the partition logs.
    const dataDir = join(scratch, 'json-era');
    mkdirSync(join(dataDir, 'orders-0'), { recursive: true });
    const legacy = join(dataDir, 'kconform-metadata.json');
    const stored = JSON.stringify({
      version: 1,
      clusterId: 'kconform-reference-0001',
      topics: [{ name: 'orders', id: 'x8E6bJg0Rf2oZ3VxlVn8ZQ', partitions: 1, configs: {} }],
      nextProducerId: 1003,
      groups: { version: 1, groups: [], offsets: [] },
    });
    writeFileSync(legacy, stored);
    const p = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    expect(await p.exited).toBe(3);
    const lines = refusal(p.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `data directory ${dataDir} was written by an older reference broker (kconform-metadata.json`,
    );
    expect(p.output()).not.toContain('ready');
    expect(readFileSync(legacy, 'utf8')).toBe(stored);
    expect(readdirSync(dataDir).sort()).toEqual(['kconform-metadata.json', 'orders-0']);
  }, 60_000);

  it('keeps its topics across a restart in the metadata log (__cluster_metadata-0), writing no kconform-metadata.json', async () => {
    const dataDir = join(scratch, 'one-voter');
    const topic = uniqueTopic('restart');
    const first = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    try {
      const bootstrap = await waitReady(first);
      const c = await RawClient.connect(bootstrap);
      expect((await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic))).topics[0]?.errorCode).toBe(0);
      c.close();
      await produceN(bootstrap, topic, 0, 100);
    } finally {
      await first.stop();
    }
    expect(readdirSync(dataDir)).toContain('__cluster_metadata-0');
    expect(readdirSync(dataDir)).not.toContain('kconform-metadata.json');
    const again = spawnBroker(['--port', '0', '--data-dir', dataDir]);
    try {
      const values = (await readLog(await waitReady(again), topic)).map((r) => r.value);
      expect(values).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    } finally {
      await again.stop();
    }
  }, 60_000);
});
