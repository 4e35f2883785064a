import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateProtocols, selectProtocol, supportsProtocols } from './protocol-selection.ts';

describe('protocol selection', () => {
  it('picks the candidate with most first-choice votes among protocols everyone supports', () => {
    expect(selectProtocol([['range', 'rr'], ['rr', 'range'], ['rr']])).toBe('rr');
    expect(
      selectProtocol([
        ['sticky', 'range'],
        ['range', 'sticky'],
        ['sticky', 'range'],
      ]),
    ).toBe('sticky');
    // "x" has votes but is not supported by everyone, so those members vote for their next choice.
    expect(selectProtocol([['x', 'range'], ['x', 'range'], ['range']])).toBe('range');
    expect(selectProtocol([['a'], ['b']])).toBeNull();
    expect(selectProtocol([])).toBeNull();
  });

  it('breaks ties by the earliest vote', () => {
    expect(
      selectProtocol([
        ['a', 'b'],
        ['b', 'a'],
      ]),
    ).toBe('a');
    expect(
      selectProtocol([
        ['b', 'a'],
        ['a', 'b'],
      ]),
    ).toBe('b');
  });

  it('always selects a protocol every member supports, when there is one', () => {
    const names = fc.constantFrom<string>('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(names, { minLength: 1 }), { minLength: 1, maxLength: 5 }), (members) => {
        const chosen = selectProtocol(members);
        const common = candidateProtocols(members);
        if (common.size === 0) expect(chosen).toBeNull();
        else expect(members.every((m) => m.includes(chosen!))).toBe(true);
      }),
    );
  });

  it('admits members per Kafka: anything non-empty into an Empty group, a shared protocol of the same type otherwise', () => {
    expect(supportsProtocols(true, null, [], 'consumer', ['range'])).toBe(true);
    expect(supportsProtocols(true, null, [], '', ['range'])).toBe(false);
    expect(supportsProtocols(true, null, [], 'consumer', [])).toBe(false);
    expect(supportsProtocols(false, 'consumer', [['range', 'rr'], ['rr']], 'consumer', ['range', 'rr'])).toBe(true);
    expect(supportsProtocols(false, 'consumer', [['range', 'rr'], ['rr']], 'consumer', ['range'])).toBe(false);
    expect(supportsProtocols(false, 'consumer', [['range']], 'connect', ['range'])).toBe(false);
    expect(supportsProtocols(false, 'consumer', [], 'consumer', ['anything'])).toBe(true);
  });
});
