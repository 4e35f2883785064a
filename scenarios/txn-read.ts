import type { Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { POLL, type Isolation, type RecordRef } from '../harness/history/ops.ts';
import { recordEndOffsets } from './plan-ops.ts';
import { retrying } from './topic-setup.ts';

/**
 * Reads a whole topic from the beginning at `isolation` with a fresh consumer group, recording
 * each fetched batch as a poll tagged with its isolation level, until every partition's position
 * reaches the end offsets taken first (recorded as the reader's `end-offsets` op).
 *
 * Unlike readFromBeginning, the position is the fetch's last offset, control records and
 * aborted records included (kafkajs reports it for batches it filtered to nothing, too): a
 * transactional log ends in a commit or abort marker that no read ever returns.
 */
export async function readAtIsolation(
  kafka: Kafka,
  topic: string,
  process: string,
  isolation: Isolation,
  history: HistoryRecorder,
  runId: string,
  timeoutMs = 60_000,
): Promise<void> {
  const ends = await recordEndOffsets(history, process, topic, () =>
    retrying(`${process}: the end offsets of ${topic}`, async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
      } finally {
        await admin.disconnect();
      }
    }),
  );
  const consumer = kafka.consumer({
    groupId: `kconform-${runId}-${process}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
    readUncommitted: isolation === 'read_uncommitted',
  });
  const position = new Map<number, number>();
  const done = () => [...ends].every(([p, end]) => (position.get(p) ?? 0) >= end);
  await retrying(`${process}: connecting`, () => consumer.connect());
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`${process}: did not reach the end of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      // Every fetched batch ends here, filtered to nothing or not.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const last = Number(payload.lastOffset);
        if (last + 1 > (position.get(payload.partition) ?? 0)) position.set(payload.partition, last + 1);
        if (done()) {
          clearTimeout(timer);
          resolve();
        }
      });
      consumer
        .run({
          eachBatchAutoResolve: true,
          eachBatch: async ({ batch }) => {
            const records: RecordRef[] = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: Number(m.offset),
              key: m.key === null ? null : m.key.toString('utf8'),
              value: m.value === null ? null : m.value.toString('utf8'),
            }));
            history
              .invoke(process, POLL, { topic: batch.topic, partition: batch.partition, from: 'beginning', isolation })
              .ok({ records });
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
