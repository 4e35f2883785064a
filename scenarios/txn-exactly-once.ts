import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import { FINAL_READ, FINAL_READ_UNCOMMITTED, REPLAY_READ, SEND } from '../harness/history/ops.ts';
import { recordPlan } from './plan-ops.ts';
import { transactionsUnsupported } from './scenario-needs.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';
import { recordCommittedOffsets, runCopier, type CopyJob, type CopyStep } from './txn-copier.ts';
import { endOffsets, readAtIsolation } from './txn-read.ts';

const PARTITIONS = 3;
/** Steps drawn per run: the copiers cycle through them (their prefix stays the same as the size shrinks). */
const STEPS = 64;
/** Copiers started at most (a crash, planned or not, starts the next one). */
const MAX_COPIERS = 30;

/** The input records of a run of `records` (the run's size knob). */
export const inputCount = (records: number) => Math.max(4, Math.min(120, Math.ceil(records / 8)));

/** The copiers' decisions drawn from the seed: batch sizes, outcomes (a third abort), a crash in about 16 transactions. */
export function planCopySteps(seed: number): CopyStep[] {
  const step = fc.record({
    batch: fc.integer({ min: 1, max: 5 }),
    outcome: fc.constantFrom<'commit' | 'abort'>('commit', 'commit', 'abort'),
    crash: fc.constantFrom<CopyStep['crash']>(...Array<'none'>(30).fill('none'), 'after-sends', 'after-offsets'),
  });
  return fc.sample(fc.array(step, { minLength: STEPS, maxLength: STEPS }), { seed, numRuns: 1 })[0]!;
}

/**
 * Fills the input: `count` records spread over the partitions, each send an op of
 * `input-producer`; one kafkajs send per partition at a time (a multi-broker kafkajs send can
 * retry a request still in flight: see sendCopies in txn-copier.ts).
 */
async function fillInput(ctx: ScenarioContext, topic: string, count: number): Promise<void> {
  const producer: Producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await retrying('connecting the input producer', () => producer.connect());
  try {
    for (let i = 0; i < count; i += 10) {
      await ctx.pace();
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, k) => ({
        partition: (i + k) % PARTITIONS,
        value: JSON.stringify({ run: ctx.runId, n: i + k }),
      }));
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const values = batch.filter((m) => m.partition === partition).map((m) => m.value);
        if (values.length === 0) continue;
        const ops = values.map((value) =>
          ctx.history.invoke('input-producer', SEND, { topic, partition, key: null, value }),
        );
        try {
          const meta = await producer.send({
            topic,
            acks: -1,
            messages: values.map((value) => ({ partition, value })),
          });
          const base = meta.find((m) => m.partition === partition);
          values.forEach((value, k) => {
            if (base === undefined) ops[k]!.info(`kafkajs answered no offset for partition ${partition}`);
            else ops[k]!.ok({ topic, partition, offset: Number(base.baseOffset) + k, key: null, value });
          });
        } catch (err) {
          for (const op of ops) op.info((err as Error).message);
        }
      }
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Exactly-once consume-transform-produce (issue 15): an input topic is filled first (every send
 * recorded); then copiers, one after another under one transactional id, read it at
 * read_committed and copy each batch to the output topic in a kafkajs transaction that also
 * commits the consumed offsets for the group (sendOffsets), committing or aborting as the seed
 * says — after an abort a copier goes back to the group's committed offsets — and crashing now
 * and then mid-transaction (the next copier's InitProducerId fences it and aborts what it left
 * open). After the copiers, the group's stable committed offsets are recorded and everything is
 * read back. The txn-exactly-once checker asks that every acknowledged input record below the
 * committed offsets appear exactly once in the committed output and nothing aborted there.
 */
export const txnExactlyOnceScenario: Scenario = {
  name: 'txn-exactly-once',
  description:
    'consume-transform-produce in transactions with the offsets committed in them, aborts and copier crashes: every input record exactly once in the committed output',
  needs: ['transactions'],
  checkConfig: { transactional: true, idempotent: true, acks: -1 },
  async run(ctx: ScenarioContext): Promise<void> {
    const input = ctx.topicName('eos-input');
    const output = ctx.topicName('eos-output');
    const group = `kconform-${ctx.runId}-eos`;
    const count = inputCount(ctx.records);
    recordPlan(ctx.history, { scenario: 'txn-exactly-once', input, output, group, partitions: PARTITIONS, count });
    const unsupported = transactionsUnsupported(ctx);
    if (unsupported) return unsupported();
    await createTopicsReady(ctx, [
      { topic: input, numPartitions: PARTITIONS },
      { topic: output, numPartitions: PARTITIONS },
    ]);
    ctx.progress(`txn-exactly-once: ${count} input records over ${PARTITIONS} partitions`);
    await fillInput(ctx, input, count);
    const inputEnds = await retrying('the input end offsets', endOffsets(ctx.kafka, ctx.target.nodes, input));
    const job: CopyJob = {
      input,
      output,
      partitions: PARTITIONS,
      group,
      transactionalId: `kconform-${ctx.runId}-copier`,
      inputEnds,
      steps: planCopySteps(ctx.seed),
      next: 0,
      deadline: Date.now() + 120_000 + count * 1_000,
    };
    const producers: Producer[] = [];
    const ends: string[] = [];
    try {
      for (let c = 0; c < MAX_COPIERS; c++) {
        const { end, producer } = await runCopier(ctx, job, `copier-${c}`);
        producers.push(producer);
        ends.push(end);
        if (end === 'done' || end === 'deadline') break;
      }
    } finally {
      // The crashed copiers' producers stay connected until here: zombies the next copier fenced.
      await Promise.all(producers.map((p) => p.disconnect().catch(() => {})));
    }
    ctx.progress(`txn-exactly-once: copiers ended ${ends.join(', ')}`);
    await ctx.quiesce();
    // A last takeover closes whatever the last copier left open, then the offsets the copiers committed.
    const closer = await runCopier(ctx, { ...job, deadline: 0 }, 'closer');
    await closer.producer.disconnect().catch(() => {});
    await recordCommittedOffsets(ctx, job, 'committed-offsets').catch(() => {});
    const nodes = ctx.target.nodes;
    const inputRead = endOffsets(ctx.kafka, ctx.target.nodes, input);
    await readAtIsolation(nodes, inputRead, input, PARTITIONS, FINAL_READ, 'read_committed', ctx.history);
    await readAtIsolation(nodes, inputRead, input, PARTITIONS, REPLAY_READ, 'read_committed', ctx.history);
    const outputRead = endOffsets(ctx.kafka, ctx.target.nodes, output);
    await readAtIsolation(nodes, outputRead, output, PARTITIONS, FINAL_READ, 'read_committed', ctx.history);
    await readAtIsolation(nodes, outputRead, output, PARTITIONS, REPLAY_READ, 'read_committed', ctx.history);
    await readAtIsolation(
      nodes,
      outputRead,
      output,
      PARTITIONS,
      FINAL_READ_UNCOMMITTED,
      'read_uncommitted',
      ctx.history,
    );
  },
};
