/**
 * The raw load driver against the in-process reference broker, at each acks level: every
 * acknowledged batch is in the log when the topic is read back (acks=0 acknowledges nothing, so
 * only the count read back is checked: at most what was sent), and an idempotent producer's
 * batches carry contiguous sequences, none reused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import type { Acks } from '../../app/load/load-options.ts';
import { missingRecords, type OffsetRange } from '../../app/load/raw/batch-ranges.ts';
import { readPartition } from '../../app/load/raw/raw-fetch.ts';
import { runRawLoad } from '../../app/load/raw/raw-load-run.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker?.close());

const PARTITIONS = 3;

async function run(acks: Acks, idempotent: boolean, rate?: number) {
  const topic = uniqueTopic('raw');
  const acked = new Map<number, OffsetRange[]>();
  const results = await runRawLoad({
    bootstrap: broker.bootstrap,
    target: 'reference',
    topic,
    producers: 2,
    consumers: 0,
    acks,
    rate,
    durationSeconds: 1,
    recordSize: 100,
    partitions: PARTITIONS,
    compression: 'none',
    batch: 20,
    maxInFlight: 8,
    idempotent,
    onAcked: (p, r) => acked.set(p, [...(acked.get(p) ?? []), r]),
  });
  const client = await RawClient.connect(broker.bootstrap);
  try {
    const read = new Map<number, OffsetRange[]>();
    for (let p = 0; p < PARTITIONS; p++) read.set(p, await readPartition(client, topic, p));
    return { results, acked, read };
  } finally {
    client.close();
  }
}

const total = (m: Map<number, OffsetRange[]>) => [...m.values()].flat().reduce((n, r) => n + r.count, 0);

describe('raw load driver on the reference broker', () => {
  it.each([
    ['1', 1 as Acks, false, undefined],
    ['all', -1 as Acks, false, 3000],
    ['all, idempotent', -1 as Acks, true, undefined],
  ])(
    'acks=%s: every acknowledged record is read back',
    async (_, acks, idempotent, rate) => {
      const { results, acked, read } = await run(acks, idempotent, rate);
      expect(results.errorCount).toBe(0);
      expect(results.acked).toBeGreaterThan(0);
      expect(results.timing).toBe(rate ? 'open-loop' : 'closed-loop');
      expect(total(acked)).toBe(results.acked);
      for (let p = 0; p < PARTITIONS; p++) expect(missingRecords(acked.get(p) ?? [], read.get(p)!).count).toBe(0);
      expect(total(read)).toBe(results.acked);
      if (idempotent) {
        for (const ranges of read.values()) {
          let next = 0;
          for (const r of ranges) {
            expect(r.producerId).toBe(ranges[0]!.producerId);
            expect(r.baseSequence).toBe(next);
            next += r.count;
          }
        }
      }
    },
    60_000,
  );

  it('acks=0: nothing acknowledged by the broker, at most what was sent is in the log', async () => {
    const { results, acked, read } = await run(0, false);
    expect(acked.size).toBe(0);
    expect(results.sent).toBeGreaterThan(0);
    expect(total(read)).toBeGreaterThan(0);
    expect(total(read)).toBeLessThanOrEqual(results.sent);
  }, 60_000);
});
