/**
 * DescribeLogDirs over the wire: a broker on disk names its data directory (absolute) with the
 * volume's sizes and each partition log's bytes; in memory it names "(in memory)" with the sizes
 * unknown. That the answer's shape matches Kafka 4.4.0 is checked with kafka-log-dirs in
 * test/console/kafka-admin-tools.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { IN_MEMORY_LOG_DIR } from '../../reference-broker/handlers/describe-log-dirs.ts';
import { startTestBroker, testKafka, uniqueTopic } from '../helpers/reference.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function describeAfterWriting(dataDir: string | undefined) {
  await using broker = await startTestBroker(dataDir ? { dataDir } : {});
  const topic = uniqueTopic('log-dirs');
  const producer = testKafka(broker.bootstrap).producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: 'x'.repeat(500) }, { value: 'y' }] });
  await producer.disconnect();
  const c = await RawClient.connect(broker.bootstrap);
  try {
    const all = await c.request(ApiKey.DescribeLogDirs, 4, { topics: null });
    const one = await c.request(ApiKey.DescribeLogDirs, 4, { topics: [{ topic, partitions: [0, 7] }] });
    return { topic, all, one };
  } finally {
    c.close();
  }
}

describe('DescribeLogDirs', () => {
  it('on disk: the data directory, its volume, and the bytes of each log asked for', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kconform-log-dirs-'));
    dirs.push(dataDir);
    const { topic, all, one } = await describeAfterWriting(dataDir);
    expect(all.errorCode).toBe(0);
    const [dir] = all.results;
    expect(all.results).toHaveLength(1);
    expect(dir!.logDir).toBe(resolve(dataDir));
    expect(dir!.totalBytes).toBeGreaterThan(0n);
    expect(dir!.usableBytes).toBeGreaterThan(0n);
    expect(dir!.usableBytes).toBeLessThanOrEqual(dir!.totalBytes);
    const written = dir!.topics.find((t) => t.name === topic)!.partitions[0]!;
    expect(written.partitionSize).toBeGreaterThan(500n);
    expect(written.offsetLag).toBe(0n);
    // Asked for one topic: only its partition that exists (Kafka lists logs, not what was asked).
    expect(one.results[0]!.topics).toEqual([{ name: topic, partitions: [written] }]);
  });

  it('in memory: one directory named as such, volume sizes unknown', async () => {
    const { topic, all } = await describeAfterWriting(undefined);
    const [dir] = all.results;
    expect(dir!.logDir).toBe(IN_MEMORY_LOG_DIR);
    expect(dir!.totalBytes).toBe(-1n);
    expect(dir!.usableBytes).toBe(-1n);
    expect(dir!.topics.find((t) => t.name === topic)!.partitions[0]!.partitionSize).toBeGreaterThan(500n);
  });
});
