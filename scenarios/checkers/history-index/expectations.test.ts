import { describe, expect, it } from 'vitest';
import { ExpectationsBuilder } from './expectations.ts';

describe('ExpectationsBuilder', () => {
  it('numbers the invocations that state `expect`, and records their completions', () => {
    const b = new ExpectationsBuilder();
    expect(b.invoked(0, { topic: 't' })).toBe(-1);
    expect(b.invoked(1, null)).toBe(-1);
    expect(b.invoked(2, { expect: { errorCode: 45 } })).toBe(0);
    // `expect: null` still states one (the checker decides what it means).
    expect(b.invoked(3, { expect: null })).toBe(1);
    b.completed(-1, 4);
    b.completed(1, 5);
    expect(b.finish()).toEqual({ invoke: [2, 3], done: [-1, 5] });
  });
});
