/** The reference broker with --data-dir: what was acknowledged survives a restart, and the pull model's long poll. */
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { createTopicBody, fetchBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import { startTestBroker, testKafka, uniqueTopic } from '../helpers/reference.ts';
import { readLog } from '../helpers/read-log.ts';
import { startBroker } from '../../reference-broker/server.ts';
import { createLogger } from '../../reference-broker/logger.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const produceValues = (topic: string, values: string[]) =>
  produceBody(topic, buildRecordBatch(values.map((value) => ({ value }))));

describe('reference broker on disk', () => {
  it('keeps acknowledged records, topics and committed offsets across a restart, and truncates a torn tail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kconform-data-'));
    dirs.push(dataDir);
    const topic = uniqueTopic('disk');
    const groupId = uniqueTopic('g');

    let broker = await startTestBroker({ dataDir });
    let kafka = testKafka(broker.bootstrap);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic, acks: -1, messages: [{ value: `v${i}` }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '7' }] });
    await admin.disconnect();
    await broker.close();

    // a crash mid-write leaves half a batch at the end of the active segment
    const partitionDir = join(dataDir, `${topic}-0`);
    const segment = readdirSync(partitionDir).find((f) => f.endsWith('.log'))!;
    appendFileSync(join(partitionDir, segment), buildRecordBatch([{ value: 'torn' }]).subarray(0, 40));

    broker = await startTestBroker({ dataDir });
    kafka = testKafka(broker.bootstrap);
    try {
      const c = await RawClient.connect(broker.bootstrap);
      const r = await c.request(ApiKey.Fetch, 12, fetchBody(topic, 0n, { minBytes: 1 }));
      const values = decodeRecordBatches(r.responses[0]!.partitions[0]!.records ?? Buffer.alloc(0)).flatMap((b) =>
        b.records.map((rec) => rec.value!.toString()),
      );
      expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
      expect(r.responses[0]!.partitions[0]!.highWatermark).toBe(20n);
      // appends continue densely after the recovered end
      const p = await c.request(ApiKey.Produce, 9, produceValues(topic, ['after-restart']));
      expect(p.responses[0]!.partitionResponses[0]!.baseOffset).toBe(20n);
      c.close();
      const admin2 = kafka.admin();
      await admin2.connect();
      const offsets = await admin2.fetchOffsets({ groupId, topics: [topic] });
      await admin2.disconnect();
      expect(offsets[0]!.partitions[0]!.offset).toBe('7');
    } finally {
      await broker.close();
    }
  });
});

describe('reference broker on disk, damaged inside sealed segments', () => {
  it('reads every intact record after an older segment was cut mid-batch and an index entry moved, and logs what it cut', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kconform-data-'));
    dirs.push(dataDir);
    const topic = uniqueTopic('damage');
    // Small segments so the log has several sealed ones: 2,000 records in 100 batches of 20.
    let broker = await startTestBroker({ dataDir, segmentBytes: 16 * 1024 });
    const c = await RawClient.connect(broker.bootstrap);
    await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
    for (let b = 0; b < 100; b++) {
      const p = await c.request(
        ApiKey.Produce,
        9,
        produceValues(
          topic,
          Array.from({ length: 20 }, (_, i) => `v${b * 20 + i}-${'x'.repeat(100)}`),
        ),
      );
      expect(p.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
    c.close();
    await broker.close();

    const partitionDir = join(dataDir, `${topic}-0`);
    const logs = readdirSync(partitionDir)
      .filter((f) => f.endsWith('.log'))
      .sort();
    expect(logs.length).toBeGreaterThanOrEqual(5);
    // segment 1 loses the second half of its last batch; segment 3's second index entry points 9 bytes into a batch
    const cutFile = join(partitionDir, logs[1]!);
    truncateSync(cutFile, statSync(cutFile).size - 1000);
    const indexFile = join(partitionDir, logs[3]!.replace('.log', '.index'));
    const index = readFileSync(indexFile);
    index.writeInt32BE(index.readInt32BE(12) + 9, 12);
    writeFileSync(indexFile, index);

    const lines: string[] = [];
    const capture = createLogger('broker', 'info', { write: (s: string) => lines.push(s) });
    broker = await startBroker({ port: 0, dataDir, segmentBytes: 16 * 1024 }, capture);
    try {
      const records = await readLog(broker.bootstrap, topic);
      const nextBase = Number(logs[2]!.slice(0, 20));
      // exactly the last batch of segment 1 (20 records) is gone; every other record reads, in order
      const expected = Array.from({ length: 2_000 }, (_, i) => i).filter((o) => o < nextBase - 20 || o >= nextBase);
      expect(records.map((r) => r.offset)).toEqual(expected);
      expect(records.every((r) => r.value.startsWith(`v${r.offset}-`))).toBe(true);
      const recovery = lines.filter((l) => l.includes('log recovery'));
      expect(recovery).toHaveLength(2);
      expect(recovery[0]).toContain(`${cutFile}: its last batch is torn`);
      expect(recovery[0]).toMatch(
        new RegExp(
          `cut \\d+ bytes \\(0 whole record\\(s\\)\\) after offset ${nextBase - 21}; offsets ${nextBase - 20}..${nextBase - 1} are lost`,
        ),
      );
      expect(recovery[1]).toContain(`${join(partitionDir, logs[3]!)}: its offset index entry 1`);
      expect(recovery[1]).toContain('rebuilt its indexes (nothing cut)');
    } finally {
      await broker.close();
    }
  });
});

describe('long polling (the pull model)', () => {
  it('holds a fetch until min.bytes arrive, then answers at once', async () => {
    const broker = await startTestBroker();
    try {
      const topic = uniqueTopic('poll');
      const producer = await RawClient.connect(broker.bootstrap);
      await producer.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
      const consumer = await RawClient.connect(broker.bootstrap);
      let answered = false;
      const pending = consumer
        .request(ApiKey.Fetch, 12, fetchBody(topic, 0n, { maxWaitMs: 30_000, minBytes: 1 }))
        .then((r) => {
          answered = true;
          return r;
        });
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false);
      await producer.request(ApiKey.Produce, 9, produceValues(topic, ['wake up']));
      const r = await pending;
      const values = decodeRecordBatches(r.responses[0]!.partitions[0]!.records ?? Buffer.alloc(0)).flatMap((b) =>
        b.records.map((rec) => rec.value!.toString()),
      );
      expect(values).toEqual(['wake up']);
      producer.close();
      consumer.close();
    } finally {
      await broker.close();
    }
  });

  it('answers an empty fetch when max.wait.ms passes with nothing new', async () => {
    const broker = await startTestBroker();
    try {
      const topic = uniqueTopic('poll');
      const c = await RawClient.connect(broker.bootstrap);
      await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
      const r = await c.request(ApiKey.Fetch, 12, fetchBody(topic, 0n, { maxWaitMs: 200, minBytes: 1 }));
      expect(r.responses[0]!.partitions[0]!.errorCode).toBe(0);
      expect(r.responses[0]!.partitions[0]!.records?.length ?? 0).toBe(0);
      c.close();
    } finally {
      await broker.close();
    }
  });
});
