import type { Producer } from 'kafkajs';
import {
  END_TXN,
  FINAL_READ,
  FINAL_READ_UNCOMMITTED,
  REPLAY_READ,
  SEND,
  TXN_BEGIN,
  type RecordRef,
} from '../harness/history/ops.ts';
import { recordPlan } from './plan-ops.ts';
import { transactionsUnsupported } from './scenario-needs.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';
import { endOffsets, readAtIsolation } from './txn-read.ts';

const PARTITIONS = 2;

type Txn = Awaited<ReturnType<Producer['transaction']>>;

/** Records one transactional send; a refusal ends the op `fail` (the broker answered), anything else `info`. */
async function send(
  ctx: ScenarioContext,
  process: string,
  txn: Txn,
  tag: object,
  topic: string,
  partition: number,
  value: string,
) {
  const op = ctx.history.invoke(process, SEND, { topic, partition, key: null, value, txn: tag });
  try {
    const meta = await txn.send({ topic, acks: -1, messages: [{ partition, value }] });
    op.ok({ topic, partition, offset: Number(meta[0]!.baseOffset), key: null, value, txn: tag } satisfies RecordRef & {
      txn: object;
    });
  } catch (err) {
    const e = err as Error & { type?: string };
    if (e.type) op.fail(`${e.type}: ${e.message}`);
    else op.info(e.message);
  }
}

/** Begins a transaction of `process` (its first one makes kafkajs' InitProducerId: the takeover). */
async function begin(ctx: ScenarioContext, process: string, producer: Producer, id: string, transactionalId: string) {
  const tag = { id, transactionalId };
  const op = ctx.history.invoke(process, TXN_BEGIN, tag);
  // a connection cut (a fault) before the coordinator answered: begin again, as an application would
  const txn = await retrying(`${process} beginning ${id}`, () => producer.transaction(), 30_000);
  op.ok(tag);
  return { txn, tag };
}

/** Ends a transaction; a refusal ends the op `fail`, anything else unanswered `info`. */
async function end(ctx: ScenarioContext, process: string, txn: Txn, id: string, outcome: 'commit' | 'abort') {
  const op = ctx.history.invoke(process, END_TXN, { id, outcome });
  try {
    await (outcome === 'commit' ? txn.commit() : txn.abort());
    op.ok({ id, outcome });
  } catch (err) {
    const e = err as Error & { type?: string };
    if (e.type) op.fail(`${e.type}: ${e.message}`, { id, outcome });
    else op.info(e.message, { id, outcome });
  }
}

/**
 * Fencing (issue 15): two kafkajs producers with one transactional.id. The older ("zombie")
 * begins a transaction and writes to both partitions; the newer ("successor") takes the id over
 * (its InitProducerId bumps the epoch and aborts the zombie's open transaction), then the zombie
 * writes again and tries to commit, and the successor commits transactions of its own. The
 * txn-fencing checker asks that nothing of the zombie's transaction be visible under
 * read_committed; txn-lost-write that the successor's commits are.
 */
export const txnFencingScenario: Scenario = {
  name: 'txn-fencing',
  description:
    'two producers with one transactional id: the older is fenced and nothing it sent in its open transaction becomes visible',
  needs: ['transactions'],
  checkConfig: { transactional: true, idempotent: true, acks: -1 },
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('txn-fencing');
    const transactionalId = `kconform-${ctx.runId}-fenced`;
    recordPlan(ctx.history, { scenario: 'txn-fencing', topic, transactionalId });
    const unsupported = transactionsUnsupported(ctx);
    if (unsupported) return unsupported();
    await createTopicsReady(ctx, [{ topic, numPartitions: PARTITIONS }]);
    const make = () =>
      ctx.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 2 } });
    const zombie = make();
    const successor = make();
    await retrying('connecting the zombie', () => zombie.connect());
    await retrying('connecting the successor', () => successor.connect());
    const value = (who: string, n: number) => JSON.stringify({ run: ctx.runId, who, n });
    try {
      const z = await begin(ctx, 'zombie', zombie, `${transactionalId}#zombie`, transactionalId);
      for (let p = 0; p < PARTITIONS; p++) await send(ctx, 'zombie', z.txn, z.tag, topic, p, value('zombie-before', p));
      ctx.progress('txn-fencing: the successor takes the transactional id over');
      const s1 = await begin(ctx, 'successor', successor, `${transactionalId}#s1`, transactionalId);
      for (let p = 0; p < PARTITIONS; p++) await send(ctx, 'zombie', z.txn, z.tag, topic, p, value('zombie-after', p));
      await end(ctx, 'zombie', z.txn, z.tag.id, 'commit');
      for (let p = 0; p < PARTITIONS; p++) await send(ctx, 'successor', s1.txn, s1.tag, topic, p, value('s1', p));
      await end(ctx, 'successor', s1.txn, s1.tag.id, 'commit');
      const s2 = await begin(ctx, 'successor', successor, `${transactionalId}#s2`, transactionalId);
      await send(ctx, 'successor', s2.txn, s2.tag, topic, 0, value('s2', 0));
      await end(ctx, 'successor', s2.txn, s2.tag.id, 'commit');
    } finally {
      await zombie.disconnect().catch(() => {});
      await successor.disconnect();
    }
    await ctx.quiesce();
    const ends = endOffsets(ctx.kafka, ctx.target.nodes, topic);
    const b = ctx.target.nodes;
    await readAtIsolation(b, ends, topic, PARTITIONS, FINAL_READ, 'read_committed', ctx.history);
    await readAtIsolation(b, ends, topic, PARTITIONS, REPLAY_READ, 'read_committed', ctx.history);
    await readAtIsolation(b, ends, topic, PARTITIONS, FINAL_READ_UNCOMMITTED, 'read_uncommitted', ctx.history);
  },
};
