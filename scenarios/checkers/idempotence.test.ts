import { describe, expect, it } from 'vitest';
import { checkIdempotenceExercised } from './idempotence.ts';
import { Builder, rec } from './test-support.ts';

const heal = (dropped: number) =>
  new Builder()
    .op('nemesis', 'nemesis', { fault: 'drop-response', apiKey: 0 }, 'ok', { fault: 'drop-response', apiKey: 0 })
    .send(0, rec(0, 'a'))
    .op('nemesis', 'nemesis', { fault: 'heal-all' }, 'ok', { fault: 'heal-all', droppedResponses: dropped });

describe('idempotence-exercised', () => {
  it('passes when the heal reports Produce answers dropped (and so retried)', () => {
    expect(checkIdempotenceExercised(heal(2).ops)).toMatchObject({
      valid: true,
      count: 2,
      summary: expect.stringContaining('2 Produce answer(s) were dropped'),
    });
  });

  it('cannot decide when no answer was dropped: the retry path never ran', () => {
    expect(checkIdempotenceExercised(heal(0).ops)).toMatchObject({ valid: 'unknown', count: 0 });
  });
});
