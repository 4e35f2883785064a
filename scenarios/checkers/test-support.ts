/** Builders of hand-made histories for the checkers' unit tests. */
import { HistoryRecorder, type Op } from '../../harness/history/history.ts';
import { END_TXN, FINAL_READ, POLL, REPLAY_READ, SEND, type RecordRef } from '../../harness/history/ops.ts';

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
