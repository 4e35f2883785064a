import type { Kafka } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import { POLL, type RecordRef } from '../harness/history/ops.ts';
import { recordEndOffsets } from './plan-ops.ts';
import { retrying } from './topic-setup.ts';

/**
 * Reads the whole topic from the beginning with a fresh consumer group — what
 * `kafka-console-consumer --from-beginning` does — until every partition reaches its high watermark.
 */
export async function readFromBeginning(
  kafka: Kafka,
  topic: string,
  process: string,
  history: HistoryRecorder,
  runId: string,
  timeoutMs = 60_000,
): Promise<void> {
  // The ends are recorded as an op of the reader: what it was owed is fixed when it took them
  // (the replay rule reads this op, not the time of the reader's first poll).
  const ends = await recordEndOffsets(history, process, topic, () =>
    // After the heal a restarted node may not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION) or
    // not listen yet: without the ends there is no final read, and every verdict is unknown.
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
  });
  const position = new Map<number, number>();
  const done = () => [...ends].every(([p, end]) => (position.get(p) ?? 0) >= end);
  await retrying(`${process}: connecting`, () => consumer.connect());
  try {
    await consumer.subscribe({ topic: topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (done()) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`${process}: did not reach the end of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
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
              .invoke(process, POLL, {
                topic: batch.topic,
                partition: batch.partition,
                from: 'beginning',
                isolation: 'read_committed',
              })
              .ok({ records });
            if (records.length) position.set(batch.partition, records[records.length - 1]!.offset + 1);
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
