/**
 * The op vocabulary: the `f` names ops carry, the record references sends and polls hold, and the
 * reads of a history every layer above needs (scenarios build histories with them, checkers judge
 * them, compare and reports read stored ones).
 */
import type { Op } from './history.ts';

/** A record as a history names it: where it sits and what it holds (value as text). */
export interface RecordRef {
  topic: string;
  partition: number;
  /**
   * The offset; a negative one (Kafka's -1) means "not known" — what an acks=0 producer is told —
   * and the offset checkers leave such records out.
   */
  offset: number;
  key: string | null;
  value: string | null;
}

/** Op `f` names the checkers read. */
export const SEND = 'send';
export const POLL = 'poll';
/**
 * The end of a transaction: invoke value `{id, outcome: 'commit' | 'abort'}`; its ok completion
 * settles the outcome of every send tagged `txn: {id}` (see aborted-read.ts for the convention).
 */
export const END_TXN = 'end-txn';
/**
 * The start of a transaction: invoke `{id, transactionalId}`, ok `{id, transactionalId,
 * producerId?, epoch?}` (what InitProducerId gave, when the client tells). `id` names one
 * transaction (e.g. `"tx-1#7"`), `transactionalId` the producer's transactional.id that spans many.
 * Its sends are `send` ops tagged {@link TxnTag} (so every record checker judges them too); its
 * end is an {@link END_TXN} op (commit or abort), whose ok completion is the acknowledged outcome.
 */
export const TXN_BEGIN = 'txn-begin';
/**
 * A nemesis op (process `nemesis`): a transactional producer's EndTxn that the proxy held back is
 * delivered late, after the producer's next transaction began. Invoke `{transactionalId, into}`
 * (`into`: the transaction open when it arrives), ok `{transactionalId, into, answers}` (the
 * broker's error name for each delivered request). The txn-late-endtxn scenario records it.
 */
export const LATE_END_TXN = 'late-end-txn';

/**
 * Offsets a consume-transform-produce transaction commits for its group (sendOffsetsToTransaction:
 * AddOffsetsToTxn + TxnOffsetCommit): invoke `{txn: {id, transactionalId}, group, topic, offsets:
 * {partition: next offset}}`; ok when the coordinator accepted them. They count only if the
 * transaction commits.
 */
export const TXN_OFFSETS = 'txn-offsets';
/**
 * A group's committed offsets as read (OffsetFetch with require_stable): invoke `{group, topic}`,
 * ok `{group, topic, offsets: {partition: offset}}` (0 where none is committed).
 */
export const COMMITTED_OFFSETS = 'committed-offsets';

/** What a transactional send carries in its value as `txn` (invoke and ok alike). */
export interface TxnTag {
  /** The transaction (one begin … end), not the transactional.id. */
  id: string;
  transactionalId?: string;
  /** The outcome when the scenario knew it when sending (an end-txn completion wins over it). */
  outcome?: 'commit' | 'abort';
}

/** The value of a {@link TXN_BEGIN} completion. */
export interface TxnBegin {
  id: string;
  transactionalId: string;
  producerId?: number;
  epoch?: number;
}

/** The isolation level a poll read at (`isolation` in its value); polls that do not say are not judged by the transactional checkers. */
export type Isolation = 'read_committed' | 'read_uncommitted';

/**
 * Ops after which a consumer's next poll of a partition need not follow on from its last one:
 * it moved its position on purpose.
 */
export const REPOSITION = ['seek', 'assign', 'subscribe'] as const;

/** Processes whose polls read a whole topic from the beginning after the run (DESIGN.md's final read). */
export const FINAL_READ = 'final-read';
export const REPLAY_READ = 'replay';
/** The read_uncommitted counterpart of the final read (transactional scenarios): shows aborted records too. */
export const FINAL_READ_UNCOMMITTED = 'final-read-uncommitted';

/** The ok completions of sends, in completion order, with the record each acknowledged. */
export function ackedSends(history: readonly Op[]): { op: Op; record: RecordRef }[] {
  return history.filter((o) => o.f === SEND && o.type === 'ok').map((op) => ({ op, record: op.value as RecordRef }));
}

/** Every record a process read (ok polls), in read order. */
export function readsOf(history: readonly Op[], process: Op['process']): RecordRef[] {
  const out: RecordRef[] = [];
  for (const o of history)
    if (o.f === POLL && o.type === 'ok' && o.process === process)
      for (const r of (o.value as { records: RecordRef[] }).records) out.push(r);
  return out;
}

/** True when the history has a completed read by `process`. */
export function hasRead(history: readonly Op[], process: Op['process']): boolean {
  return history.some((o) => o.f === POLL && o.type === 'ok' && o.process === process);
}

/** Identity of a record's content, for matching sends with reads (runs make values unique). */
export function contentKey(r: { key?: string | null; value?: string | null }): string {
  return JSON.stringify([r.key ?? null, r.value ?? null]);
}
