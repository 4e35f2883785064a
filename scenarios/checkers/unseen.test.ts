import { describe, expect, it } from 'vitest';
import { Builder, rec } from './test-support.ts';
import { checkUnseen } from './unseen.ts';

describe('unseen', () => {
  const a = rec(0, 'a');
  const b = rec(1, 'b');

  it('counts acknowledged writes no consumer read, final read and replay aside — valid by default', () => {
    const r = checkUnseen(new Builder().send(0, a).send(0, b).poll('c', [a]).reads([a, b]).ops);
    expect(r).toMatchObject({ checker: 'unseen', valid: true, count: 1 });
    expect(r.witnesses).toEqual([expect.objectContaining({ type: 'ok', value: b })]);
    expect(r.summary).toContain('1 of 2');
  });

  it('is an anomaly when the configuration says consumers see everything', () => {
    expect(
      checkUnseen(new Builder().send(0, a).send(0, b).poll('c', [a]).reads([a, b]).ops, { consumersSeeAll: true }),
    ).toMatchObject({ valid: false, count: 1 });
    expect(checkUnseen(new Builder().send(0, a).poll('c', [a]).ops, { consumersSeeAll: true }).valid).toBe(true);
  });

  it('says so when no consumer polled at all', () => {
    expect(checkUnseen(new Builder().send(0, a).reads([a]).ops).summary).toContain('no consumer polled');
  });

  it('counts only ok, durable sends: not info sends, not aborted transactions', () => {
    const r = checkUnseen(
      new Builder().send(0, a, 'info').send(0, b, 'ok', { txn: { id: 'x', outcome: 'abort' } }).ops,
      { consumersSeeAll: true },
    );
    expect(r).toMatchObject({ valid: true, count: 0 });
  });

  it('plots the count over time: up at the ack, down when a consumer first returns it', () => {
    const bld = new Builder().send(0, a).send(0, b);
    bld.poll('c', [a]).poll('c', [b]).poll('d', [a]);
    const r = checkUnseen(bld.ops);
    expect(r.series).toHaveLength(100);
    expect(Math.max(...r.series!.map((p) => p.value))).toBe(2);
    expect(r.series!.at(-1)!.value).toBe(0);
    expect(r.series!.every((p, i, all) => i === 0 || p.time >= all[i - 1]!.time)).toBe(true);
  });

  it('never counts a write a consumer returned before its ack arrived', () => {
    const bld = new Builder();
    const done = bld.h.invoke(0, 'send', { topic: 't', partition: 0, key: null, value: 'a' });
    bld.poll('c', [a]);
    done.ok(a);
    const r = checkUnseen(bld.ops);
    expect(r.count).toBe(0);
    expect(Math.max(...r.series!.map((p) => p.value))).toBe(0);
  });
});
