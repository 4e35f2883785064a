import { describe, expect, it } from 'vitest';
import { topicNameProblem } from './topic-name.ts';

describe('topicNameProblem', () => {
  it('accepts legal names', () => {
    for (const n of ['mmr', 'a.b_c-D9', 'x'.repeat(249)]) expect(topicNameProblem(n)).toBeNull();
  });
  it('rejects empty, dots, too long and illegal characters', () => {
    for (const n of ['', '.', '..', 'x'.repeat(250), 'a b', 'ä', 'a/b']) expect(topicNameProblem(n)).not.toBeNull();
  });
});
