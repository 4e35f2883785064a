import { describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../../harness/history/history.ts';
import type { CheckResult } from '../../harness/history/check-result.ts';
import {
  ASPECTS,
  diffBehaviour,
  MAX_POSITION_OFFSETS,
  observe,
  offsetRanges,
  type AspectDiff,
  type TargetBehaviour,
} from './behaviour-diff.ts';

/** A hand-built run of the seed scenario's shape: values carry the run id, as the scenarios write them. */
class Run {
  readonly h = new HistoryRecorder();
  checks: CheckResult[] = [{ checker: 'lost-write', valid: true, summary: '', witnesses: [] }];
  readonly target: string;
  readonly runId: string;
  constructor(target: string, runId: string) {
    this.target = target;
    this.runId = runId;
  }
  value(seq: number): string {
    return JSON.stringify({ run: this.runId, seq });
  }
  rec(seq: number, offset: number, partition = 0) {
    return { topic: `mmr-${this.runId}`, partition, offset, key: null, value: this.value(seq) };
  }
  /** Acked sends of `seqs`, stored at `offsets` (default: in order from 0). */
  acks(seqs: number[], offsets = seqs.map((_, i) => i)): this {
    seqs.forEach((s, i) => this.h.invoke(0, 'send', { value: this.value(s) }).ok(this.rec(s, offsets[i]!)));
    return this;
  }
  failSend(seq: number, error: string, type: 'fail' | 'info' = 'info'): this {
    const op = this.h.invoke(0, 'send', { value: this.value(seq) });
    if (type === 'fail') op.fail(error);
    else op.info(error);
    return this;
  }
  /** A read of `seqs` by `process`, split in polls of `batch` records (batching is the target's business). */
  read(process: string, seqs: number[], offsets = seqs.map((_, i) => i), batch = 2): this {
    for (let i = 0; i < seqs.length; i += batch) {
      const records = seqs.slice(i, i + batch).map((s, j) => this.rec(s, offsets[i + j]!));
      this.h.invoke(process, 'poll', { from: 'beginning' }).ok({ records });
    }
    return this;
  }
  behaviour(error?: string): TargetBehaviour {
    return { target: this.target, runId: this.runId, history: this.h.ops, checks: this.checks, error };
  }
}

const seqs = (n: number) => Array.from({ length: n }, (_, i) => i);
/** A clean run: n acked sends at offsets 0..n-1, the final read and replay return them all. */
const clean = (target: string, runId: string, n = 5) =>
  new Run(target, runId).acks(seqs(n)).read('final-read', seqs(n)).read('replay', seqs(n), undefined, 3);

const byAspect = (diffs: AspectDiff[]) => Object.fromEntries(diffs.map((d) => [d.aspect, d]));

describe('diffBehaviour', () => {
  it('finds no difference between runs that differ only in run id, times and poll batching', () => {
    const a = clean('reference', '0-reference');
    const b = new Run('kafka', '1-kafka-4.4.0')
      .acks(seqs(5))
      .read('final-read', seqs(5), undefined, 5)
      .read('replay', seqs(5), undefined, 1);
    const diffs = diffBehaviour([a.behaviour(), b.behaviour()]);
    expect(diffs.map((d) => d.aspect)).toEqual([...ASPECTS]);
    expect(diffs.filter((d) => !d.same)).toEqual([]);
    expect(byAspect(diffs).offsets!.summary).toContain('5 acked sends');
  });

  it('reports an ack at another offset, naming the record and both offsets', () => {
    const a = clean('reference', 'run-1');
    const b = new Run('kafka', 'run-2')
      .acks(seqs(5), [0, 1, 2, 4, 5])
      .read('final-read', seqs(5), [0, 1, 2, 4, 5])
      .read('replay', seqs(5), [0, 1, 2, 4, 5]);
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]));
    expect(d.offsets!.same).toBe(false);
    expect(d.offsets!.summary).toBe('2 of 5 at other offsets (first: seq 3: reference offset 3, kafka offset 4)');
    expect(d.offsets!.details).toEqual([
      'seq 3: reference offset 3, kafka offset 4',
      'seq 4: reference offset 4, kafka offset 5',
    ]);
    // the reads return the same records in the same order, at the moved offsets
    expect(d['final-read']!.same).toBe(false);
    expect(d['final-read']!.summary).toBe('2 of 5 at other offsets (first: seq 3: reference offset 3, kafka offset 4)');
  });

  it('reports acks in another order and a different number of acks', () => {
    const a = clean('reference', 'run-1');
    const b = new Run('kafka', 'run-2').acks([0, 2, 1]).read('final-read', [0, 2, 1]).read('replay', [0, 2, 1]);
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]));
    expect(d.offsets!.summary).toBe(
      'reference acked 5 sends, kafka 3; only reference acked seq 3, seq 4, at mmr[0] offsets 3..4; in another order (first: kafka acked seq 2 before seq 1, reference after); 2 of 3 at other offsets (first: seq 1: reference offset 1, kafka offset 2)',
    );
    expect(d.offsets!.details).toEqual([
      'only reference acked seq 3, seq 4, at mmr[0] offsets 3..4',
      'kafka acked seq 2 before seq 1, reference after',
      'seq 1: reference offset 1, kafka offset 2',
      'seq 2: reference offset 2, kafka offset 1',
    ]);
    expect(d['final-read']!.summary).toContain('reference read 5 records, kafka 3; only reference read seq 3, seq 4');
  });

  it('reports the same records read in another order', () => {
    const a = clean('reference', 'run-1');
    const b = new Run('kafka', 'run-2').acks(seqs(5)).read('final-read', [0, 1, 3, 2, 4]).read('replay', seqs(5));
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]));
    expect(d['final-read']!.same).toBe(false);
    expect(d['final-read']!.summary).toContain(
      'in another order (first: kafka read seq 3 before seq 2, reference after)',
    );
    expect(d['consumer-reads']!.same).toBe(true);
  });

  it('matches records by identity, so one missing ack does not make every later one differ', () => {
    const a = clean('reference', 'run-1', 6);
    const b = new Run('kafka', 'run-2')
      .acks([0, 1, 3, 4, 5], [0, 1, 2, 3, 4])
      .read('final-read', [0, 1, 3, 4, 5])
      .read('replay', [0, 1, 3, 4, 5]);
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]));
    expect(d.offsets!.summary).toBe(
      'reference acked 6 sends, kafka 5; only reference acked seq 2, at mmr[0] offset 2; 3 of 5 at other offsets (first: seq 3: reference offset 3, kafka offset 2)',
    );
  });

  it('records the positions of each difference structurally, per pair, reader and side', () => {
    const a = clean('reference', 'run-1', 6);
    // kafka lost seq 2 and stored the rest one offset lower; its replay skipped seq 4 too
    const b = new Run('kafka', 'run-2')
      .acks([0, 1, 3, 4, 5], [0, 1, 2, 3, 4])
      .read('final-read', [0, 1, 3, 4, 5], [0, 1, 2, 3, 4])
      .read('replay', [0, 1, 3, 5], [0, 1, 2, 4]);
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]));
    const pair: [string, string] = ['reference', 'kafka'];
    const at = (kind: string, target: string, offsets: number[], reader?: string) => ({
      pair,
      ...(reader ? { reader } : {}),
      kind,
      target,
      topic: 'mmr',
      partition: 0,
      offsets,
      count: offsets.length,
    });
    expect(d.offsets!.positions).toEqual([
      at('only', 'reference', [2]),
      at('moved', 'reference', [3, 4, 5]),
      at('moved', 'kafka', [2, 3, 4]),
    ]);
    expect(d['consumer-reads']!.positions).toEqual([
      at('only', 'reference', [2, 4], 'replay'),
      at('moved', 'reference', [3, 5], 'replay'),
      at('moved', 'kafka', [2, 4], 'replay'),
    ]);
    // aspects that name no offsets record none; the same ones carry no field at all
    const errors = byAspect(diffBehaviour([a.behaviour(), b.behaviour('stopped')])).errors!;
    expect(errors.positions).toEqual([]);
    expect(byAspect(diffBehaviour([a.behaviour(), a.behaviour()])).offsets!.positions).toBeUndefined();
  });

  it('cuts the offsets of a position entry, counting them all', () => {
    const a = clean('reference', 'run-1', 120);
    const b = clean('kafka', 'run-2', 10);
    const [only] = byAspect(diffBehaviour([a.behaviour(), b.behaviour()])).offsets!.positions!;
    expect(only).toMatchObject({ kind: 'only', target: 'reference', count: 110 });
    expect(only!.offsets).toEqual(Array.from({ length: MAX_POSITION_OFFSETS }, (_, i) => 10 + i));
  });

  it('reports a record read twice and a missing final read', () => {
    const a = clean('reference', 'run-1');
    const dup = new Run('kafka', 'run-2').acks(seqs(5)).read('final-read', [0, 1, 1, 2, 3, 4]).read('replay', seqs(5));
    expect(byAspect(diffBehaviour([a.behaviour(), dup.behaviour()]))['final-read']!.summary).toContain(
      'only kafka read seq 1',
    );
    const none = new Run('kafka', 'run-2').acks(seqs(5));
    const d = byAspect(diffBehaviour([a.behaviour(), none.behaviour('did not reach the end of mmr within 60000 ms')]));
    expect(d['final-read']!.summary).toBe('kafka has no final read, reference read 5 records');
    expect(d['consumer-reads']!.summary).toBe('replay: kafka has no reads by replay');
    expect(d.errors!.details[0]).toBe(
      'scenario stopped: did not reach the end of mmr within <n> ms — reference 0×, kafka 1×',
    );
  });

  it('compares error messages without addresses, run ids and durations', () => {
    const a = clean('reference', 'run-aaa')
      .failSend(9, 'Connection error: connect ECONNREFUSED 127.0.0.1:43041')
      .failSend(10, 'topic mmr-run-aaa: timed out after 1500ms');
    const b = clean('kafka', 'run-bbb')
      .failSend(9, 'Connection error: connect ECONNREFUSED 127.0.0.1:39361')
      .failSend(10, 'topic mmr-run-bbb: timed out after 30000ms');
    expect(byAspect(diffBehaviour([a.behaviour(), b.behaviour()])).errors!.same).toBe(true);
  });

  it('reports a different error code, and fail against info', () => {
    const a = clean('reference', 'run-1').failSend(9, 'NOT_LEADER_OR_FOLLOWER', 'fail');
    const b = clean('kafka', 'run-2').failSend(9, 'UNKNOWN_TOPIC_OR_PARTITION', 'fail');
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()])).errors!;
    expect(d.same).toBe(false);
    expect(d.details).toEqual([
      '0 send fail: NOT_LEADER_OR_FOLLOWER — reference 1×, kafka 0×',
      '0 send fail: UNKNOWN_TOPIC_OR_PARTITION — reference 0×, kafka 1×',
    ]);
    const c = clean('kafka', 'run-2').failSend(9, 'NOT_LEADER_OR_FOLLOWER', 'info');
    expect(byAspect(diffBehaviour([a.behaviour(), c.behaviour()])).errors!.summary).toContain('2 kind(s)');
  });

  it("reports the checkers' verdicts that differ", () => {
    const a = clean('reference', 'run-1');
    const b = clean('kafka', 'run-2');
    b.checks = [
      { checker: 'lost-write', valid: false, summary: '', witnesses: [] },
      { checker: 'group-resume', valid: 'unknown', summary: '', witnesses: [] },
    ];
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()])).checks!;
    expect(d.same).toBe(false);
    expect(d.details).toEqual([
      'lost-write: reference PASS, kafka FAIL',
      'group-resume: reference absent, kafka UNKNOWN',
    ]);
  });

  it('says the same failing verdicts are the same, naming them', () => {
    const a = clean('reference#1', 'run-1');
    const b = clean('reference#2', 'run-2');
    a.checks = b.checks = [{ checker: 'lost-write', valid: false, summary: '', witnesses: [] }];
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()])).checks!;
    expect(d).toMatchObject({ same: true, summary: '1 checks, same verdicts (lost-write FAIL)' });
  });

  it('compares other readers record by record, whatever their batching', () => {
    const a = clean('reference', 'run-1').read('member-a', [0, 1, 2]).read('member-b', [3, 4], [3, 4]);
    const b = clean('kafka', 'run-2').read('member-a', [0, 1, 2], undefined, 1).read('member-b', [2, 3, 4], [2, 3, 4]);
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]))['consumer-reads']!;
    expect(d.same).toBe(false);
    expect(d.summary).toBe('member-b: reference read 2 records, kafka 3; only kafka read seq 2, at mmr[0] offset 2');
  });

  it('compares three targets against the first and names the pair', () => {
    const a = clean('reference', 'run-1');
    const b = clean('kafka@4.4.0', 'run-2');
    const c = new Run('kafka@3.9.2', 'run-3').acks(seqs(4)).read('final-read', seqs(4)).read('replay', seqs(4));
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour(), c.behaviour()]));
    expect(d.offsets!.summary).toBe(
      'kafka@3.9.2 vs reference: reference acked 5 sends, kafka@3.9.2 4; only reference acked seq 4, at mmr[0] offset 4',
    );
  });

  it('ignores how batches of different partitions interleave, and which member a partition went to', () => {
    // seq s lives in partition s % 2 at offset floor(s / 2)
    const at = (r: Run, s: number) => r.rec(s, Math.floor(s / 2), s % 2);
    const make = (target: string, runId: string, order: number[], members: [number[], number[]]) => {
      const r = new Run(target, runId);
      for (const s of [0, 1, 2, 3]) r.h.invoke(s % 2 === 0 ? 'p0' : 'p1', 'send', at(r, s)).ok(at(r, s));
      r.h.invoke('final-read', 'poll', {}).ok({ records: order.map((s) => at(r, s)) });
      members.forEach((seqsRead, m) =>
        r.h.invoke(`member-${m}`, 'poll', {}).ok({ records: seqsRead.map((s) => at(r, s)) }),
      );
      return r;
    };
    const a = make(
      'reference',
      'run-1',
      [0, 2, 1, 3],
      [
        [0, 2],
        [1, 3],
      ],
    );
    const b = make(
      'kafka',
      'run-2',
      [1, 0, 3, 2],
      [
        [1, 3],
        [0, 2],
      ],
    );
    const d = byAspect(diffBehaviour([a.behaviour(), b.behaviour()]));
    expect(d['final-read']).toMatchObject({ same: true, summary: '4 records, same order per partition, same offsets' });
    expect(d['consumer-reads']!.same).toBe(true);
    expect(d.offsets!.same).toBe(true);
    // within a partition, order is behaviour
    const c = make(
      'kafka',
      'run-2',
      [2, 0, 1, 3],
      [
        [0, 2],
        [1, 3],
      ],
    );
    expect(byAspect(diffBehaviour([a.behaviour(), c.behaviour()]))['final-read']!.summary).toBe(
      'in another order (first: kafka read seq 2 before seq 0, reference after)',
    );
  });

  it("judges a partition two producers wrote at once by each producer's order and the set of offsets", () => {
    // producers p and q send at the same time; the broker interleaves them as the race goes
    const value = (r: Run, producer: string, seq: number) => JSON.stringify({ run: r.runId, producer, seq });
    const make = (target: string, runId: string, log: [string, number][]) => {
      const r = new Run(target, runId);
      const rec = (producer: string, seq: number) => ({
        topic: 'm',
        partition: 0,
        offset: log.findIndex(([p, s]) => p === producer && s === seq),
        key: null,
        value: value(r, producer, seq),
      });
      const sends = ['p', 'q'].map((producer) =>
        [0, 1].map((seq) => ({
          producer,
          seq,
          done: r.h.invoke(producer, 'send', { topic: 'm', partition: 0, value: value(r, producer, seq) }),
        })),
      );
      for (const s of sends.flat()) s.done.ok(rec(s.producer, s.seq));
      r.h.invoke('final-read', 'poll', {}).ok({ records: log.map(([p, s]) => rec(p, s)) });
      return r;
    };
    const a = make('reference', 'run-1', [
      ['p', 0],
      ['q', 0],
      ['p', 1],
      ['q', 1],
    ]);
    const b = make('kafka', 'run-2', [
      ['q', 0],
      ['q', 1],
      ['p', 0],
      ['p', 1],
    ]);
    expect(observe(a.behaviour()).concurrent).toEqual(new Set(['m[0]']));
    expect(diffBehaviour([a.behaviour(), b.behaviour()]).filter((d) => !d.same)).toEqual([]);
    // one producer's records out of its send order, or a hole in the offsets, is behaviour
    const c = make('kafka', 'run-2', [
      ['p', 1],
      ['q', 0],
      ['p', 0],
      ['q', 1],
    ]);
    expect(byAspect(diffBehaviour([a.behaviour(), c.behaviour()]))['final-read']!.summary).toBe(
      'in another order (first: kafka read p seq 1 before p seq 0, reference after)',
    );
    const d = make('kafka', 'run-2', [
      ['p', 0],
      ['q', 0],
      ['p', 1],
      ['x', 9],
      ['q', 1],
    ]);
    const offsets = byAspect(diffBehaviour([a.behaviour(), d.behaviour()])).offsets!;
    expect(offsets.summary).toBe('m[0] (written concurrently): reference offsets 0..3, kafka 0,1,2,4');
    // where the two logs part: offset 3 on the reference's, 4 on kafka's
    expect(offsets.positions).toEqual([
      {
        pair: ['reference', 'kafka'],
        kind: 'concurrent',
        target: 'reference',
        topic: 'm',
        partition: 0,
        offsets: [3],
        count: 1,
      },
      {
        pair: ['reference', 'kafka'],
        kind: 'concurrent',
        target: 'kafka',
        topic: 'm',
        partition: 0,
        offsets: [4],
        count: 1,
      },
    ]);
  });

  it('producers that take turns on a partition over the same period race for its offsets, though no two sends overlap', () => {
    // p and q alternate one acked send at a time (as transactions do between begin and commit)
    const make = (target: string, runId: string, log: string[]) => {
      const r = new Run(target, runId);
      const rec = (producer: string, seq: number) => ({
        topic: 'm',
        partition: 0,
        offset: log.indexOf(`${producer}${seq}`),
        key: null,
        value: JSON.stringify({ run: r.runId, producer, seq }),
      });
      for (const [producer, seq] of [
        ['p', 0],
        ['q', 0],
        ['p', 1],
        ['q', 1],
      ] as const)
        r.h.invoke(producer, 'send', rec(producer, seq)).ok(rec(producer, seq));
      return r;
    };
    const a = make('reference#1', 'run-1', ['p0', 'q0', 'p1', 'q1']);
    const b = make('reference#2', 'run-2', ['q0', 'p0', 'q1', 'p1']);
    expect(observe(a.behaviour()).concurrent).toEqual(new Set(['m[0]']));
    expect(diffBehaviour([a.behaviour(), b.behaviour()]).filter((d) => !d.same)).toEqual([]);
    // one after the other, not interleaved: each record's offset is behaviour
    const sequential = (target: string, runId: string, offsets: number[]) => {
      const r = new Run(target, runId);
      [
        ['p', 0],
        ['p', 1],
        ['q', 0],
        ['q', 1],
      ].forEach(([producer, seq], i) => {
        const rec = {
          topic: 'm',
          partition: 0,
          offset: offsets[i]!,
          key: null,
          value: JSON.stringify({ run: r.runId, producer, seq }),
        };
        r.h.invoke(String(producer), 'send', rec).ok(rec);
      });
      return r;
    };
    const c = sequential('reference#1', 'run-1', [0, 1, 2, 3]);
    expect(observe(c.behaviour()).concurrent).toEqual(new Set());
    expect(
      byAspect(diffBehaviour([c.behaviour(), sequential('reference#2', 'run-2', [0, 1, 3, 2]).behaviour()])).offsets!
        .same,
    ).toBe(false);
  });

  it('in a partition transactional producers wrote at once, the offsets are timing too (commit markers sit between their batches)', () => {
    // p and q each commit one record; the markers take offsets where the race put them
    const make = (target: string, runId: string, offsets: { p: number; q: number }) => {
      const r = new Run(target, runId);
      const value = (producer: string) => JSON.stringify({ run: r.runId, producer, seq: 0 });
      const rec = (producer: 'p' | 'q') => ({
        topic: 'm',
        partition: 0,
        offset: offsets[producer],
        key: null,
        value: value(producer),
      });
      const sends = (['p', 'q'] as const).map((producer) => ({
        producer,
        done: r.h.invoke(producer, 'send', {
          topic: 'm',
          partition: 0,
          value: value(producer),
          txn: { id: `${producer}-1` },
        }),
      }));
      for (const s of sends) s.done.ok({ ...rec(s.producer), txn: { id: `${s.producer}-1` } });
      r.h.invoke('final-read', 'poll', {}).ok({ records: [rec('p'), rec('q')].sort((x, y) => x.offset - y.offset) });
      return r;
    };
    // p, q, marker, marker on one run; p, marker, q, marker on the other
    const a = make('reference', 'run-1', { p: 0, q: 1 });
    const b = make('kafka', 'run-2', { p: 0, q: 2 });
    expect(observe(a.behaviour()).transactional).toEqual(new Set(['m[0]']));
    expect(diffBehaviour([a.behaviour(), b.behaviour()]).filter((d) => !d.same)).toEqual([]);
  });

  it('needs two runs', () => {
    expect(() => diffBehaviour([clean('reference', 'run-1').behaviour()])).toThrow('at least two');
  });
});

describe('observe', () => {
  it('keeps what a client saw, normalized', () => {
    const o = observe(clean('reference', 'run-x', 2).failSend(2, 'timed out').behaviour());
    expect(o.acked.map((r) => [r.label, r.topic, r.offset])).toEqual([
      ['seq 0', 'mmr', 0],
      ['seq 1', 'mmr', 1],
    ]);
    expect(o.acked[0]!.id).toBe(JSON.stringify([null, JSON.stringify({ run: '<run>', seq: 0 })]));
    expect(o.finalRead).toHaveLength(2);
    expect([...o.reads.keys()]).toEqual(['replay']);
    expect([...o.errors]).toEqual([['0 send info: timed out', 1]]);
  });
});

describe('offsetRanges', () => {
  const at = (topic: string, partition: number, offset: number) => ({
    id: `${topic}${partition}${offset}`,
    label: '',
    topic,
    partition,
    offset,
  });
  it('names every offset, as ranges per partition', () => {
    expect(
      offsetRanges([at('mmr', 0, 22), at('mmr', 0, 21), at('mmr', 0, 23), at('mmr', 0, 40), at('mmr', 1, 7)]),
    ).toBe('mmr[0] offsets 21..23, 40; mmr[1] offset 7');
    expect(offsetRanges([])).toBe('');
  });
});
