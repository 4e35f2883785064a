import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AssignorMember } from './assignor.ts';
import { rangeAssignor } from './range-assignor.ts';
import { pairs, size, type TopicPartitions } from './topic-partitions.ts';
import { uniformAssignor } from './uniform-assignor.ts';

const member = (
  memberId: string,
  topics: string[],
  assignment: TopicPartitions = {},
  instanceId: string | null = null,
): AssignorMember => ({
  memberId,
  instanceId,
  rackId: null,
  subscribedTopicIds: topics,
  assignment,
});
const counts = (c: Record<string, number>) => (id: string) => c[id] ?? 0;

describe('range assignor', () => {
  it('gives consecutive ranges per topic, the first members one extra (Kafka RangeAssignor)', () => {
    const r = rangeAssignor.assign([member('b', ['t1', 't2']), member('a', ['t1', 't2'])], counts({ t1: 3, t2: 2 }));
    expect(r.get('a')).toEqual({ t1: [0, 1], t2: [0] });
    expect(r.get('b')).toEqual({ t1: [2], t2: [1] });
  });

  it('puts static members first, by instance id', () => {
    const r = rangeAssignor.assign([member('a', ['t']), member('z', ['t'], {}, 'i1')], counts({ t: 2 }));
    expect(r.get('z')).toEqual({ t: [0] });
    expect(r.get('a')).toEqual({ t: [1] });
  });

  it('splits each topic among its own subscribers when subscriptions differ', () => {
    const r = rangeAssignor.assign([member('a', ['t1']), member('b', ['t1', 't2'])], counts({ t1: 2, t2: 2 }));
    expect(r.get('a')).toEqual({ t1: [0] });
    expect(r.get('b')).toEqual({ t1: [1], t2: [0, 1] });
  });
});

describe('uniform assignor', () => {
  it('keeps what a member owns up to its quota and moves only the excess to a new member', () => {
    const r = uniformAssignor.assign([member('a', ['t'], { t: [0, 1, 2, 3] }), member('b', ['t'])], counts({ t: 4 }));
    expect(r.get('a')).toEqual({ t: [0, 1] });
    expect(r.get('b')).toEqual({ t: [2, 3] });
  });

  it('hands a departed member’s partitions to the others without moving theirs', () => {
    const r = uniformAssignor.assign([member('a', ['t'], { t: [0, 1] })], counts({ t: 4 }));
    expect(r.get('a')).toEqual({ t: [0, 1, 2, 3] });
  });

  it('drops topics a member no longer subscribes to', () => {
    const r = uniformAssignor.assign([member('a', ['t2'], { t1: [0], t2: [0] })], counts({ t1: 1, t2: 1 }));
    expect(r.get('a')).toEqual({ t2: [0] });
  });

  it('different subscriptions: a member subscribed to nothing does not stop the others from being balanced', () => {
    const r = uniformAssignor.assign(
      [member('a', ['t'], { t: [0, 1, 2, 3] }), member('b', ['t']), member('c', [])],
      counts({ t: 4 }),
    );
    expect(r.get('a')).toEqual({ t: [0, 1] });
    expect(r.get('b')).toEqual({ t: [2, 3] });
    expect(r.get('c')).toEqual({});
  });

  const arbGroup = fc
    .record({
      topics: fc.dictionary(fc.constantFrom('t1', 't2', 't3'), fc.integer({ min: 1, max: 8 }), { minKeys: 1 }),
      members: fc.integer({ min: 1, max: 6 }),
      homogeneous: fc.boolean(),
      seed: fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
    })
    .map(({ topics, members, homogeneous, seed }) => {
      const names = Object.keys(topics);
      const ms = Array.from({ length: members }, (_, i) => {
        const subscribed = homogeneous ? names : names.filter((_, j) => (seed[i + j]! + j) % 2 === 0 || j === 0);
        return member(`m${i}`, subscribed);
      });
      return { topics, members: ms };
    });

  it.each([
    ['uniform', uniformAssignor],
    ['range', rangeAssignor],
  ])('%s: every subscribed partition goes to exactly one subscriber', (_, assignor) => {
    fc.assert(
      fc.property(arbGroup, ({ topics, members }) => {
        const r = assignor.assign(members, counts(topics));
        const owner = new Map<string, string>();
        for (const m of members)
          for (const [t, p] of pairs(r.get(m.memberId) ?? {})) {
            expect(m.subscribedTopicIds).toContain(t);
            expect(owner.has(`${t}:${p}`), `${t}:${p} assigned twice`).toBe(false);
            owner.set(`${t}:${p}`, m.memberId);
          }
        const subscribed = new Set(members.flatMap((m) => m.subscribedTopicIds));
        const total = [...subscribed].reduce((n, t) => n + topics[t]!, 0);
        expect(owner.size).toBe(total);
      }),
    );
  });

  it('uniform, same subscriptions: sizes differ by at most one, also after a member leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 2, max: 6 }), (n, k) => {
        const first = uniformAssignor.assign(
          Array.from({ length: k }, (_, i) => member(`m${i}`, ['t'])),
          counts({ t: n }),
        );
        const rest = Array.from({ length: k - 1 }, (_, i) => member(`m${i + 1}`, ['t'], first.get(`m${i + 1}`)));
        const second = uniformAssignor.assign(rest, counts({ t: n }));
        for (const r of [first, second]) {
          const sizes = [...r.values()].map(size);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }
        // sticky: a remaining member keeps everything it had (it had at most the new quota)
        for (const m of rest) for (const [t, p] of pairs(m.assignment)) expect(second.get(m.memberId)![t]).toContain(p);
      }),
    );
  });
});
