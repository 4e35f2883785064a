/**
 * `kconform check` refuses a history that cannot have happened (exit 2, `file:line: what is
 * wrong`) instead of judging it: each impossible history is the smallest one showing its defect,
 * and the valid history it was cut from passes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kconform as runKconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-check-history-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const kconform = (args: string[]) => runKconform(args, { cwd: scratch, timeoutMs: 60_000 });

const rec = (offset: number) => ({ topic: 't', partition: 0, offset, key: null, value: `v${offset}` });
const op = (index: number, process: string | number, type: string, f: string, value: unknown, time = index) => ({
  index,
  time,
  process,
  type,
  f,
  value,
});

/** A valid history: one acknowledged send, then the final read and the replay find it. */
const valid = [
  op(0, 0, 'invoke', 'send', { topic: 't', partition: 0, key: null, value: 'v0' }),
  op(1, 0, 'ok', 'send', rec(0)),
  op(2, 'final-read', 'invoke', 'poll', { topic: 't', partition: 0, from: 'beginning' }),
  op(3, 'final-read', 'ok', 'poll', { records: [rec(0)] }),
  op(4, 'replay', 'invoke', 'poll', { topic: 't', partition: 0, from: 'beginning' }),
  op(5, 'replay', 'ok', 'poll', { records: [rec(0)] }),
];
const reads = valid.slice(2);

function file(name: string, ops: readonly unknown[]): string {
  const path = join(scratch, `${name}.jsonl`);
  writeFileSync(path, ops.map((o) => JSON.stringify(o) + '\n').join(''));
  return path;
}

describe('kconform check on an impossible history', () => {
  it('passes the valid history the cases below are cut from', async () => {
    const r = await kconform(['check', file('valid', valid)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it.each([
    [
      'an ok without its invoke',
      [valid[1], ...reads],
      1,
      'ok send of process 0 completes nothing: no invoke of it is open before this line',
    ],
    [
      'a completion before its invoke (in the file)',
      [valid[1], valid[0], ...reads],
      1,
      'ok send of process 0 completes nothing',
    ],
    [
      'a completion before its invoke (in time)',
      [op(0, 0, 'invoke', 'send', {}, 9), op(1, 0, 'ok', 'send', rec(0), 4), ...reads],
      2,
      'ok send of process 0 completes at time 4, before its invoke at line 1 (time 9)',
    ],
    [
      'a duplicate index',
      [valid[0], valid[1], { ...valid[2], index: 1 }, ...valid.slice(3)],
      3,
      'index 1 is used twice (first at line 2)',
    ],
    [
      'an acknowledged offset of -5',
      [valid[0], op(1, 0, 'ok', 'send', rec(-5)), ...reads],
      2,
      'acknowledged send has offset -5',
    ],
  ] as const)('exits 2 on %s, naming the file and line', async (_name, ops, line, problem) => {
    const path = file(_name.replace(/\W+/g, '-'), ops);
    const r = await kconform(['check', path]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${path}:${line}: ${problem}`);
    // refused before any checker ran: no verdict printed
    expect(r.stdout).not.toContain('verdict');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 on an empty history', async () => {
    for (const [name, text] of [
      ['empty', ''],
      ['blank-lines', '\n\n'],
    ] as const) {
      const path = join(scratch, `${name}.jsonl`);
      writeFileSync(path, text);
      const r = await kconform(['check', path]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr.trim()).toBe(`kconform: ${path}: the history has no ops (an empty history cannot be checked)`);
    }
  });
});
