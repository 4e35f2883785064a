/**
 * ack-levels: acks=0 (no answer), acks=1 and acks=all (answers with offsets) on one node, and a
 * topic with min.insync.replicas above its replica count — on the reference broker and Kafka 4.4.0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION, startKafkaNode, type StartedKafka } from '../../harness/kafka-dist/index.ts';
import type { Op } from '../../harness/history/history.ts';
import type { RecordRef } from '../../harness/history/ops.ts';
import { check, completions, failing, runOn, scratchDir, type RunWithHistory } from './scenario-runs.ts';
import { expectPassed } from './scenario-runs.ts';

const scratch = scratchDir('ack-levels');
afterAll(() => scratch.remove());

function expectClean(r: RunWithHistory) {
  expectPassed(r);
  for (const name of ['ack-answers', 'acks0-no-response', 'min-insync-replicas', 'lost-write'])
    expect(check(r, name).valid).toBe(true);
  const sends = completions(r.history, 'send');
  // acks=0 never has an answer to record; acks=1 and acks=all always do here
  const byLevel = (acks: number) => sends.filter((o) => (o.value as { acks?: number }).acks === acks);
  expect(byLevel(0).length).toBeGreaterThan(0);
  expect(byLevel(0).every((o) => o.type === 'info')).toBe(true);
  for (const acks of [1, -1]) {
    expect(byLevel(acks).length).toBeGreaterThan(0);
    expect(byLevel(acks).every((o) => o.type === 'ok' && (o.value as RecordRef).offset >= 0)).toBe(true);
  }
  // one replica, min.insync.replicas=2: Kafka caps the requirement at the replica count
  expect(
    completions(r.history, 'send', 'min-isr-acksall').map((o) => [
      o.type,
      (o.value as { errorCode: number }).errorCode,
    ]),
  ).toEqual([['ok', 0]]);
}

/** Every acknowledged record, as value → offset: what the broker told the producers. */
const offsets = (history: readonly Op[], runId: string) =>
  Object.fromEntries(
    completions(history, 'send')
      .filter((o) => o.type === 'ok')
      .map((o) => [(o.value as RecordRef).value!.replace(runId, '<run>'), (o.value as RecordRef).offset]),
  );

describe('ack-levels on the reference broker', () => {
  it.each([1, 2])(
    'passes with seed %i',
    async (seed) => {
      expectClean(await runOn('reference', 'ack-levels', { seed, records: 300, dir: scratch.dir }));
    },
    60_000,
  );

  it('catches a broker that acknowledges writes it never appends (drop-acked-write)', async () => {
    const r = await runOn('reference', 'ack-levels', {
      seed: 3,
      records: 300,
      dir: scratch.dir,
      bugs: ['drop-acked-write'],
    });
    expect(r.valid).toBe(false);
    expect(failing(r).map((c) => c.checker)).toContain('lost-write');
  }, 60_000);
});

describe(`ack-levels on Kafka ${LATEST_KAFKA_VERSION}`, () => {
  let kafka: StartedKafka;
  beforeAll(async () => {
    kafka = await startKafkaNode({ version: LATEST_KAFKA_VERSION });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  it('passes, acknowledging every record at the offset the reference broker gives it', async () => {
    const onKafka = await runOn(kafka, 'ack-levels', { seed: 1, records: 300, dir: scratch.dir });
    const onReference = await runOn('reference', 'ack-levels', { seed: 1, records: 300, dir: `${scratch.dir}/again` });
    expectClean(onKafka);
    expect(offsets(onKafka.history, onKafka.runId)).toEqual(offsets(onReference.history, onReference.runId));
  }, 60_000);
});
