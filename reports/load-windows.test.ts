import { describe, expect, it } from 'vitest';
import { unavailableWindows } from './load-windows.ts';

const pt = (time: number, recordsPerSecond: number, sentPerSecond: number, errorsPerSecond = 0) => ({
  time,
  recordsPerSecond,
  sentPerSecond,
  errorsPerSecond,
});

describe('unavailableWindows', () => {
  it('joins adjacent intervals with sends and no acks, and names failing ones apart', () => {
    const points = [pt(100, 50, 50), pt(200, 0, 50), pt(300, 0, 50), pt(400, 50, 50), pt(500, 10, 50, 40)];
    expect(unavailableWindows(points, 100, 200)).toEqual([
      { start: 100, end: 300, reason: 'no acks' },
      { start: 400, end: 500, reason: 'errors' },
    ]);
  });

  it('finds none in a healthy run, nor where nothing was sent, nor in one silent 100 ms bucket', () => {
    expect(unavailableWindows([pt(1000, 400, 400), pt(2000, 0, 0)])).toEqual([]);
    expect(unavailableWindows([pt(100, 400, 400), pt(200, 0, 400), pt(300, 800, 400)], 100)).toEqual([]);
  });
});
