import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { createTopicsReady, retrying } from './topic-setup.ts';
import { endOffsets, IsolatedReader, readAtIsolation } from './txn-read.ts';
import { transactionsUnsupported } from './scenario-needs.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';

const PARTITIONS = 3;

/** One transaction of the workload: which partitions its records go to, and how it ends. */
interface PlannedTxn {
  producer: number;
  partitions: number[];
  outcome: 'commit' | 'abort';
}

/** The workload drawn from the seed: two transactional producers' transactions. */
export function planTransactions(seed: number, count: number): PlannedTxn[] {
  const txn = fc.record({
    producer: fc.integer({ min: 0, max: 1 }),
    partitions: fc.array(fc.integer({ min: 0, max: PARTITIONS - 1 }), { minLength: 1, maxLength: 5 }),
    // Commits twice as often as aborts: both are exercised every run of any length.
    outcome: fc.constantFrom<'commit' | 'abort'>('commit', 'commit', 'abort'),
  });
  return fc.sample(fc.array(txn, { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0]!;
}

/** A transactional send without an answer: the transaction is to be aborted. */
class SendFailed extends Error {}

/** The transaction timeout under faults: short enough for the coordinator to abort a stranded transaction before the final read gives up. */
const STRANDED_TXN_TIMEOUT_MS = 10_000;

/** Runs one producer's transactions in order; records every begin, send and end. Stops at the first failed send or end (after aborting a transaction whose send failed). */
async function runProducer(
  ctx: ScenarioContext,
  producer: Producer,
  process: string,
  transactionalId: string,
  topic: string,
  txns: { n: number; t: PlannedTxn }[],
): Promise<void> {
  const h = ctx.history;
  for (const { n, t } of txns) {
    await ctx.pace();
    const id = `${transactionalId}#${n}`;
    const tag = { id, transactionalId };
    const begin = h.invoke(process, TXN_BEGIN, tag);
    let txn: Awaited<ReturnType<Producer['transaction']>>;
    try {
      // a cut before the coordinator answered: begin again, as an application would
      txn = await retrying(`${process} beginning ${id}`, () => producer.transaction(), 30_000);
      begin.ok(tag);
    } catch (err) {
      begin.info((err as Error).message);
      return;
    }
    try {
      for (let i = 0; i < t.partitions.length; i++) {
        const partition = t.partitions[i]!;
        const value = JSON.stringify({ run: ctx.runId, txn: id, i });
        const op = h.invoke(process, SEND, { topic, partition, key: null, value, txn: tag });
        try {
          const meta = await txn.send({ topic, acks: -1, messages: [{ partition, value }] });
          op.ok({
            topic,
            partition,
            offset: Number(meta[0]!.baseOffset),
            key: null,
            value,
            txn: tag,
          } satisfies RecordRef & {
            txn: typeof tag;
          });
        } catch (err) {
          op.info((err as Error).message);
          throw new SendFailed();
        }
      }
      const end = h.invoke(process, END_TXN, { id, outcome: t.outcome });
      try {
        await (t.outcome === 'commit' ? txn.commit() : txn.abort());
        end.ok({ id, outcome: t.outcome });
      } catch (err) {
        // whether this end took effect is what the broker decided; the checkers treat it as unknown
        end.info((err as Error).message);
        return;
      }
    } catch (err) {
      if (!(err instanceof SendFailed)) throw err;
      // As an application does after a failed send: abort, so the open transaction does not hold
      // the last stable offset back until its timeout (which ends it if this abort cannot).
      const abort = h.invoke(process, END_TXN, { id, outcome: 'abort' });
      try {
        await txn.abort();
        abort.ok({ id, outcome: 'abort' });
      } catch (err) {
        abort.info((err as Error).message);
      }
      return;
    }
  }
}

/**
 * A read_committed reader that polls while the producers run (mid-run reads: precommitted and
 * aborted reads show here first), until `stop` is called; resolves when it has stopped.
 */
async function startLiveReader(ctx: ScenarioContext, topic: string) {
  const reader = await IsolatedReader.open(ctx.target.nodes, topic, PARTITIONS, 'read_committed', 'kconform-live');
  let stopping = false;
  const loop = (async () => {
    try {
      while (!stopping) {
        try {
          await reader.poll(ctx.history, 'live-reader');
        } catch {
          // A cut or dropped connection (a fault): nothing was read, so nothing is recorded; the
          // reader connects again at its next poll, from the same positions.
          await sleep(100);
        }
      }
    } finally {
      reader.close();
    }
  })();
  return async () => {
    stopping = true;
    await loop;
  };
}

/**
 * Transactional atomicity (issue 15): two kafkajs transactional producers (idempotent, one
 * request in flight) write transactions of one to five records over three partitions, committed
 * or aborted as the seed says; a read_committed reader polls while they run; after the run the
 * whole topic is read from the beginning at read_committed (twice: final read and replay) and at
 * read_uncommitted. The readers speak the raw protocol as Kafka's Java consumer does
 * (txn-read.ts: kafkajs' own read_committed filtering is wrong). Every verdict comes from the transactional checkers over the history
 * (docs/transactions-checkers.md): each committed transaction visible whole, nothing of an aborted
 * one under read_committed, the aborted records there under read_uncommitted.
 */
export const txnAtomicityScenario: Scenario = {
  name: 'txn-atomicity',
  description:
    'transactions over several partitions, committed or aborted at random: read_committed sees every committed one whole and nothing aborted',
  needs: ['transactions'],
  checkConfig: { transactional: true, idempotent: true, acks: -1 },
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('txn-atomicity');
    const count = Math.max(4, Math.min(Math.ceil(ctx.records / 4), 40));
    const plan = planTransactions(ctx.seed, count);
    recordPlan(ctx.history, { scenario: 'txn-atomicity', topic, transactions: count });
    const unsupported = transactionsUnsupported(ctx);
    if (unsupported) return unsupported();
    await createTopicsReady(ctx, [{ topic, numPartitions: PARTITIONS }]);
    const stopLive = await startLiveReader(ctx, topic);
    try {
      ctx.progress(
        `txn-atomicity: ${count} transactions (${plan.filter((t) => t.outcome === 'abort').length} to abort) from 2 producers over ${PARTITIONS} partitions`,
      );
      await Promise.all(
        [0, 1].map(async (p) => {
          const transactionalId = `kconform-${ctx.runId}-txn-${p}`;
          const producer = ctx.kafka.producer({
            transactionalId,
            idempotent: true,
            maxInFlightRequests: 1,
            // under faults a transaction stranded by a cut is aborted by its coordinator well
            // before the final read_committed read (which waits a minute for the last stable offset) gives up
            ...(ctx.faults?.length ? { transactionTimeout: STRANDED_TXN_TIMEOUT_MS } : {}),
          });
          await retrying(`connecting transactional producer ${p}`, () => producer.connect());
          try {
            const mine = plan.map((t, n) => ({ n, t })).filter(({ t }) => t.producer === p);
            await runProducer(ctx, producer, `txn-${p}`, transactionalId, topic, mine);
          } finally {
            await producer.disconnect();
          }
        }),
      );
    } finally {
      await stopLive();
    }
    await ctx.quiesce();
    const ends = endOffsets(ctx.kafka, ctx.target.nodes, topic);
    const b = ctx.target.nodes;
    await readAtIsolation(b, ends, topic, PARTITIONS, FINAL_READ, 'read_committed', ctx.history);
    await readAtIsolation(b, ends, topic, PARTITIONS, REPLAY_READ, 'read_committed', ctx.history);
    await readAtIsolation(b, ends, topic, PARTITIONS, FINAL_READ_UNCOMMITTED, 'read_uncommitted', ctx.history);
  },
};
