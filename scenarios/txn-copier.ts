/**
 * One copier of the txn-exactly-once scenario: consume-transform-produce in kafkajs
 * transactions. It takes the transactional id over (its first transaction, empty, is kafkajs'
 * InitProducerId: the coordinator aborts whatever a crashed predecessor left open, or waits for
 * the commit it was finishing), reads the group's stable committed offsets, then per batch:
 * begins a transaction, writes each input record's copy to the output topic, commits the
 * consumed offsets in the transaction (sendOffsets: AddOffsetsToTxn + TxnOffsetCommit), and
 * commits or aborts as the plan says; after an abort it re-reads the committed offsets and goes
 * back there. Every step is an op of the history; the copier decides nothing about correctness.
 */
import type { Producer } from 'kafkajs';
import type { HistoryRecorder } from '../harness/history/history.ts';
import {
  COMMITTED_OFFSETS,
  END_TXN,
  POLL,
  SEND,
  TXN_BEGIN,
  TXN_OFFSETS,
  type RecordRef,
  type TxnTag,
} from '../harness/history/ops.ts';
import type { ScenarioContext } from './scenario.ts';
import { stableCommittedOffsets } from './stable-offsets.ts';
import { retrying } from './topic-setup.ts';
import { IsolatedReader } from './txn-read.ts';

type Txn = Awaited<ReturnType<Producer['transaction']>>;

/** One transaction's decisions, drawn from the seed. */
export interface CopyStep {
  /** Records taken per input partition (at most). */
  batch: number;
  outcome: 'commit' | 'abort';
  /** Stop the copier in the middle of this transaction, leaving it open (a crash). */
  crash: 'none' | 'after-sends' | 'after-offsets';
}

/** What every copier of one run shares. */
export interface CopyJob {
  input: string;
  output: string;
  partitions: number;
  group: string;
  transactionalId: string;
  /** The input's end offsets: a copier whose positions reach them is done. */
  inputEnds: ReadonlyMap<number, number>;
  steps: readonly CopyStep[];
  /** Index of the next step (shared by the copiers, so the plan runs on across crashes). */
  next: number;
  deadline: number;
}

/** The value an output record carries: its input's partition and offset, and its transaction. */
export interface CopiedValue {
  run: string;
  src: [partition: number, offset: number];
  txn: string;
  value: string | null;
}

/** Why a copier stopped: done, crashed on purpose, or broken (its client's state is unknown). */
export type CopierEnd = 'done' | 'crashed' | 'broken' | 'deadline';

/** Records the group's stable committed offsets of the input as a committed-offsets op of `process`. */
export async function recordCommittedOffsets(
  ctx: ScenarioContext,
  job: Pick<CopyJob, 'group' | 'input' | 'partitions'>,
  process: string,
): Promise<Map<number, number>> {
  const op = ctx.history.invoke(process, COMMITTED_OFFSETS, { group: job.group, topic: job.input });
  try {
    const offsets = await stableCommittedOffsets(ctx.target.nodes, job.group, job.input, job.partitions);
    op.ok({ group: job.group, topic: job.input, offsets: Object.fromEntries(offsets) });
    return offsets;
  } catch (err) {
    op.info((err as Error).message);
    throw err;
  }
}

/** Begins a transaction (the first one of a producer makes InitProducerId). */
async function begin(
  h: HistoryRecorder,
  process: string,
  producer: Producer,
  tag: TxnTag & { transactionalId: string },
) {
  const op = h.invoke(process, TXN_BEGIN, tag);
  try {
    const txn = await producer.transaction();
    op.ok(tag);
    return txn;
  } catch (err) {
    op.info((err as Error).message);
    throw err;
  }
}

/** Ends a transaction; true when the broker answered it. */
async function end(h: HistoryRecorder, process: string, txn: Txn, id: string, outcome: 'commit' | 'abort') {
  const op = h.invoke(process, END_TXN, { id, outcome });
  try {
    await (outcome === 'commit' ? txn.commit() : txn.abort());
    op.ok({ id, outcome });
    return true;
  } catch (err) {
    op.info((err as Error).message, { id, outcome });
    return false;
  }
}

/**
 * Writes the copies of `records` in `txn`, one send op each; false when a send was not
 * acknowledged. One kafkajs send per partition, one after another: kafkajs 2.2.4 sends a
 * multi-broker send's requests in parallel, each with its own AddPartitionsToTxn, and when one
 * fails (CONCURRENT_TRANSACTIONS, which those parallel calls provoke) it retries every broker
 * that has not answered yet — including one whose request is still in flight, with the next
 * sequence numbers, so the broker rightly appends the batch twice (seen on a 3-node cluster: a
 * client duplicate). It can also resolve a send without an answer for a partition whose leader
 * moved to a broker that had already answered.
 */
async function sendCopies(
  ctx: ScenarioContext,
  process: string,
  txn: Txn,
  tag: TxnTag,
  output: string,
  records: RecordRef[],
): Promise<boolean> {
  const partitions = [...new Set(records.map((r) => r.partition))];
  for (const partition of partitions) {
    const values = records
      .filter((r) => r.partition === partition)
      .map((r) =>
        JSON.stringify({
          run: ctx.runId,
          src: [r.partition, r.offset],
          txn: tag.id,
          value: r.value,
        } satisfies CopiedValue),
      );
    const ops = values.map((value) =>
      ctx.history.invoke(process, SEND, { topic: output, partition, key: null, value, txn: tag }),
    );
    try {
      const meta = await txn.send({ topic: output, acks: -1, messages: values.map((value) => ({ partition, value })) });
      const base = meta.find((m) => m.partition === partition);
      if (base === undefined) {
        for (const op of ops) op.info(`kafkajs answered no offset for partition ${partition}`);
        return false;
      }
      values.forEach((value, k) =>
        ops[k]!.ok({ topic: output, partition, offset: Number(base.baseOffset) + k, key: null, value, txn: tag }),
      );
    } catch (err) {
      for (const op of ops) op.info((err as Error).message);
      return false;
    }
  }
  return true;
}

/** Commits the consumed offsets in `txn` (kafkajs sendOffsets); false when not accepted. */
async function sendOffsets(
  ctx: ScenarioContext,
  process: string,
  txn: Txn,
  tag: TxnTag,
  job: CopyJob,
  offsets: Map<number, number>,
): Promise<boolean> {
  const value = { txn: tag, group: job.group, topic: job.input, offsets: Object.fromEntries(offsets) };
  const op = ctx.history.invoke(process, TXN_OFFSETS, value);
  try {
    await txn.sendOffsets({
      consumerGroupId: job.group,
      topics: [
        {
          topic: job.input,
          partitions: [...offsets].map(([partition, offset]) => ({ partition, offset: String(offset) })),
        },
      ],
    });
    op.ok(value);
    return true;
  } catch (err) {
    op.info((err as Error).message);
    return false;
  }
}

/**
 * Reads the next batch: up to `batch` records per partition from the reader's positions,
 * recorded as one poll per partition (only what was taken, so the copier's reads stay
 * contiguous), the reader moved to just after what was taken.
 */
async function readBatch(
  ctx: ScenarioContext,
  process: string,
  reader: IsolatedReader,
  job: CopyJob,
  batch: number,
): Promise<RecordRef[]> {
  const before = [...reader.positions()];
  const fetched = await reader.fetch();
  for (let p = 0; p < job.partitions; p++) reader.seek(p, before[p]!);
  const taken: RecordRef[] = [];
  for (const { partition, records } of fetched) {
    const mine = records.slice(0, batch);
    if (mine.length === 0) continue;
    ctx.history
      .invoke(process, POLL, { topic: job.input, partition, isolation: 'read_committed' })
      .ok({ records: mine });
    reader.seek(partition, mine.at(-1)!.offset + 1);
    taken.push(...mine);
  }
  return taken;
}

const done = (reader: IsolatedReader, job: CopyJob) =>
  [...job.inputEnds].every(([p, end]) => (reader.positions()[p] ?? 0) >= end);

/** Moves the reader to the group's committed offsets, recorded as a seek. */
async function resume(ctx: ScenarioContext, process: string, reader: IsolatedReader, job: CopyJob) {
  const offsets = await recordCommittedOffsets(ctx, job, process);
  ctx.history
    .invoke(process, 'seek', { topic: job.input, offsets: Object.fromEntries(offsets) })
    .ok({ topic: job.input, offsets: Object.fromEntries(offsets) });
  for (const [p, o] of offsets) reader.seek(p, o);
}

/** Runs one copier until it is done, crashes (as planned) or breaks; its producer is returned to be closed later. */
export async function runCopier(
  ctx: ScenarioContext,
  job: CopyJob,
  process: string,
): Promise<{ end: CopierEnd; producer: Producer }> {
  const h = ctx.history;
  const producer = ctx.kafka.producer({
    transactionalId: job.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    // Kafka answers CONCURRENT_TRANSACTIONS for a moment after each EndTxn (its markers are written after the
    // answer): retry it soon rather than after kafkajs' default 300 ms.
    retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 2_000 },
  });
  const reader = await IsolatedReader.open(
    ctx.target.nodes,
    job.input,
    job.partitions,
    'read_committed',
    `kconform-${process}`,
  );
  try {
    try {
      await retrying(`${process}: connecting`, () => producer.connect(), 30_000);
      // The takeover: InitProducerId fences the predecessor before the offsets are read.
      const takeover = await begin(h, process, producer, {
        id: `${process}#init`,
        transactionalId: job.transactionalId,
      });
      if (!(await end(h, process, takeover, `${process}#init`, 'abort'))) return { end: 'broken', producer };
      await resume(ctx, process, reader, job);
    } catch {
      return { end: 'broken', producer };
    }
    for (let n = 0; ; n++) {
      if (done(reader, job)) return { end: 'done', producer };
      if (Date.now() > job.deadline) return { end: 'deadline', producer };
      await ctx.pace();
      const step = job.steps[job.next % job.steps.length]!;
      let records: RecordRef[];
      try {
        records = await readBatch(ctx, process, reader, job, step.batch);
      } catch {
        // Reading changes nothing of the transaction's state: try again (a node may be down).
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (records.length === 0) continue;
      job.next++;
      const tag = { id: `${process}#${n}`, transactionalId: job.transactionalId };
      let txn: Txn;
      try {
        txn = await begin(h, process, producer, tag);
      } catch {
        return { end: 'broken', producer };
      }
      if (!(await sendCopies(ctx, process, txn, tag, job.output, records))) return { end: 'broken', producer };
      if (step.crash === 'after-sends') return { end: 'crashed', producer };
      const offsets = new Map<number, number>();
      for (const r of records) offsets.set(r.partition, Math.max(offsets.get(r.partition) ?? 0, r.offset + 1));
      if (!(await sendOffsets(ctx, process, txn, tag, job, offsets))) return { end: 'broken', producer };
      if (step.crash === 'after-offsets') return { end: 'crashed', producer };
      if (!(await end(h, process, txn, tag.id, step.outcome))) return { end: 'broken', producer };
      if (step.outcome === 'abort') {
        try {
          await resume(ctx, process, reader, job);
        } catch {
          return { end: 'broken', producer };
        }
      }
    }
  } finally {
    reader.close();
  }
}
