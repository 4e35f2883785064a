import { describe, expect, it } from 'vitest';
import { parseNetnsList, teardownBatch } from './lab-cleanup.ts';

describe('lab cleanup helpers', () => {
  it('reads ip netns list with and without ids', () => {
    expect(parseNetnsList('kcf-1-0-hub (id: 0)\nkcf-1-0-1\n\nother (id: 3)\n')).toEqual([
      'kcf-1-0-hub',
      'kcf-1-0-1',
      'other',
    ]);
  });

  it('deletes the host link, then the hub, then the nodes', () => {
    expect(teardownBatch({ hostLink: 'kcf1-0', namespaces: ['kcf-1-0-hub', 'kcf-1-0-1'] })).toBe(
      'link del kcf1-0\nnetns del kcf-1-0-hub\nnetns del kcf-1-0-1\n',
    );
  });
});
