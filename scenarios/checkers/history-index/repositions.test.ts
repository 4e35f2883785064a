import { describe, expect, it } from 'vitest';
import { RepositionsBuilder } from './repositions.ts';

describe('RepositionsBuilder', () => {
  it('handles seek, assign and subscribe only', () => {
    expect(['seek', 'assign', 'subscribe', 'poll', 'send', 'commit'].map((f) => RepositionsBuilder.handles(f))).toEqual(
      [true, true, true, false, false, false],
    );
  });

  it('records ok and info completions with their actor, and leaves fails out (they moved nothing)', () => {
    const b = new RepositionsBuilder();
    b.completed(3, 0, 'ok');
    b.completed(5, 1, 'fail');
    b.completed(7, 1, 'info');
    expect(b.finish()).toEqual({ at: [3, 7], actor: [0, 1] });
  });
});
