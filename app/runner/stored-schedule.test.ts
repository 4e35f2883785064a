import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoredSchedule, readStoredSchedule } from './stored-schedule.ts';

const kill = { family: 'kill', role: 'random', fallbackNode: 1, split: false, waitMs: 300, holdMs: 0 };

describe('stored fault schedules', () => {
  it('reads the steps back as written, and none when config.json names none', () => {
    expect(parseStoredSchedule([kill])).toEqual([kill]);
    expect(parseStoredSchedule([])).toEqual([]);
    expect(parseStoredSchedule(undefined)).toBeUndefined();
  });

  it('names the first bad step and field', () => {
    expect(() => parseStoredSchedule({})).toThrow("'schedule' must be a list");
    expect(() => parseStoredSchedule([kill, { ...kill, family: 'explode' }])).toThrow(
      "'schedule[1]'.family must be one of kill, pause",
    );
    expect(() => parseStoredSchedule([{ ...kill, role: 'boss' }])).toThrow("'schedule[0]'.role");
    expect(() => parseStoredSchedule([{ ...kill, waitMs: -1 }])).toThrow("'schedule[0]'.waitMs");
    expect(() => parseStoredSchedule([{ ...kill, holdMs: 1.5 }])).toThrow("'schedule[0]'.holdMs");
    expect(() => parseStoredSchedule([{ ...kill, split: 'no' }])).toThrow("'schedule[0]'.split");
    expect(() => parseStoredSchedule([{ ...kill, fallbackNode: 'a' }])).toThrow("'schedule[0]'.fallbackNode");
    expect(() => parseStoredSchedule(['kill'])).toThrow("'schedule[0]' must be an object");
  });

  it('reads RUN_DIR/config.json, naming the file when it is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-schedule-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ scenario: 'seed', schedule: [kill] }));
      expect(readStoredSchedule(dir)).toEqual([kill]);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ scenario: 'seed' }));
      expect(readStoredSchedule(dir)).toBeUndefined();
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ schedule: [{ ...kill, holdMs: 'long' }] }));
      expect(() => readStoredSchedule(dir)).toThrow(
        `${join(dir, 'config.json')} is not a kconform run config: 'schedule[0]'.holdMs`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
