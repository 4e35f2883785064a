/** Builders of hand-made histories for the checkers' unit tests. */
import { HistoryRecorder, type Op } from '../../harness/history/history.ts';
import {
  END_TXN,
  FINAL_READ,
  FINAL_READ_UNCOMMITTED,
  POLL,
  REPLAY_READ,
  SEND,
  TXN_BEGIN,
  type RecordRef,
} from '../../harness/history/ops.ts';

/** A record of topic 't'. */
export const rec = (offset: number, value: string, partition = 0, key: string | null = null): RecordRef => ({
  topic: 't',
  partition,
  offset,
  key,
  value,
});

/** A history under construction: sends, polls, transactions, then the final read and replay. */
export class Builder {
  readonly h = new HistoryRecorder();

  get ops(): Op[] {
    return this.h.ops;
  }

  /** One send by `process`, acknowledged with `r` (or completed as `outcome`). */
  send(process: Op['process'], r: RecordRef, outcome: 'ok' | 'info' | 'fail' = 'ok', extra: object = {}): this {
    const done = this.h.invoke(process, SEND, {
      topic: r.topic,
      partition: r.partition,
      key: r.key,
      value: r.value,
      ...extra,
    });
    if (outcome === 'ok') done.ok({ ...r, ...extra });
    else if (outcome === 'info') done.info('request timed out');
    else done.fail('NOT_LEADER_OR_FOLLOWER');
    return this;
  }

  /** Sends in flight together: all invoked, then all acknowledged, in order. */
  batch(process: Op['process'], records: RecordRef[]): this {
    const done = records.map((r) =>
      this.h.invoke(process, SEND, { topic: r.topic, partition: r.partition, key: r.key, value: r.value }),
    );
    records.forEach((r, i) => done[i]!.ok(r));
    return this;
  }

  /** One ok poll by `process`. */
  poll(process: Op['process'], records: RecordRef[], extra: object = {}): this {
    this.h.invoke(process, POLL, { topic: 't', ...extra }).ok({ records });
    return this;
  }

  /** An op of any kind, completed as `type` with `value`. */
  op(process: Op['process'], f: string, invoke: unknown, type: 'ok' | 'fail' | 'info', value: unknown): this {
    const done = this.h.invoke(process, f, invoke);
    if (type === 'ok') done.ok(value);
    else if (type === 'fail') done.fail('error', value);
    else done.info('timed out', value);
    return this;
  }

  endTxn(process: Op['process'], id: string, outcome: 'commit' | 'abort', type: 'ok' | 'info' = 'ok'): this {
    return this.op(process, END_TXN, { id, outcome }, type, { id, outcome });
  }

  /** A transaction begun by `process` under transactional.id `tid` (its ok txn-begin). */
  begin(process: Op['process'], id: string, tid: string, producerId = 1000, epoch = 0): this {
    return this.op(process, TXN_BEGIN, { id, transactionalId: tid }, 'ok', {
      id,
      transactionalId: tid,
      producerId,
      epoch,
    });
  }

  /** Sends in transaction `id`, acknowledged with `records`, one after another. */
  txnSends(process: Op['process'], id: string, records: RecordRef[], tid?: string): this {
    for (const r of records)
      this.send(process, r, 'ok', { txn: tid === undefined ? { id } : { id, transactionalId: tid } });
    return this;
  }

  /** A whole transaction: begin, sends, end (acknowledged). */
  txn(
    process: Op['process'],
    id: string,
    records: RecordRef[],
    outcome: 'commit' | 'abort',
    tid = `tid-${process}`,
  ): this {
    return this.begin(process, id, tid).txnSends(process, id, records, tid).endTxn(process, id, outcome);
  }

  /** The final reads of a transactional run: read_committed (`final-read`) and read_uncommitted. */
  txnFinal(committed: RecordRef[], uncommitted: RecordRef[]): this {
    this.poll(FINAL_READ, committed, { from: 'beginning', isolation: 'read_committed' });
    return this.poll(FINAL_READ_UNCOMMITTED, uncommitted, { from: 'beginning', isolation: 'read_uncommitted' });
  }

  final(records: RecordRef[]): this {
    return this.poll(FINAL_READ, records, { from: 'beginning' });
  }

  replay(records: RecordRef[]): this {
    return this.poll(REPLAY_READ, records, { from: 'beginning' });
  }

  /** The final read and the replay, both returning `records`. */
  reads(records: RecordRef[]): this {
    return this.final(records).replay(records);
  }
}
