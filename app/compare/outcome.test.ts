import { describe, expect, it } from 'vitest';
import { failingChecks, matchOutcome } from './outcome.ts';

const check = (checker: string, valid: true | false | 'unknown') => ({ checker, valid, summary: '' });

describe('matchOutcome', () => {
  it('matches when the verdict and the failing checks are the same', () => {
    const original = {
      valid: false as const,
      checks: [check('lost-write', false), check('duplicate', true), check('inconsistent-offsets', false)],
    };
    const replay = {
      valid: false as const,
      checks: [check('inconsistent-offsets', false), check('lost-write', false), check('duplicate', true)],
    };
    const m = matchOutcome(original, replay);
    expect(m).toMatchObject({
      matches: true,
      originalFailing: ['inconsistent-offsets', 'lost-write'],
      replayFailing: ['inconsistent-offsets', 'lost-write'],
    });
    expect(m.summary).toBe(
      'outcome matches the original: FAIL with the same failing checks (inconsistent-offsets, lost-write)',
    );
    expect(
      matchOutcome({ valid: true, checks: [check('a', true)] }, { valid: true, checks: [check('a', true)] }).summary,
    ).toBe('outcome matches the original: PASS');
  });

  it('does not match when other checks fail, or the failure went away', () => {
    const original = { valid: false as const, checks: [check('lost-write', false)] };
    expect(matchOutcome(original, { valid: false, checks: [check('duplicate', false)] })).toMatchObject({
      matches: false,
      summary:
        'outcome differs from the original: original FAIL (failing: lost-write), replay FAIL (failing: duplicate)',
    });
    expect(matchOutcome(original, { valid: true, checks: [check('lost-write', true)] }).matches).toBe(false);
    expect(matchOutcome({ valid: 'unknown', checks: [] }, { valid: true, checks: [] }).matches).toBe(false);
  });

  it('says when there is nothing to compare with', () => {
    expect(matchOutcome(undefined, { valid: true, checks: [] })).toMatchObject({
      matches: undefined,
      summary: expect.stringContaining('no results.json'),
    });
    expect(matchOutcome('x/results.json: bad', { valid: true, checks: [] }).summary).toBe(
      'cannot compare with the original: x/results.json: bad',
    );
  });

  it('lists failing checks sorted, leaving unknown ones out', () => {
    expect(failingChecks([check('b', false), check('a', false), check('c', 'unknown')])).toEqual(['a', 'b']);
  });
});
