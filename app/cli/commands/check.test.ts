import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plantAnomaly, simulateHistory } from '../../../scenarios/checkers/simulated-history.ts';
import type { Op } from '../../../harness/history/history.ts';
import { CliError } from '../exit-codes.ts';
import { checkCommand } from './check.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-check-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let dirs = 0;
/** Writes `ops` as dir/history.jsonl in a fresh directory (with `config` as config.json when given). */
function stored(ops: readonly Op[], config?: object, lines?: (text: string[]) => string[]): string {
  const dir = join(scratch, `run-${dirs++}`);
  mkdirSync(dir);
  const text = ops.map((o) => JSON.stringify(o));
  writeFileSync(join(dir, 'history.jsonl'), (lines ? lines(text) : text).join('\n') + '\n');
  if (config) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return join(dir, 'history.jsonl');
}

async function check(
  opts: Parameters<typeof checkCommand>[0],
): Promise<{ out: string; code: number; message?: string }> {
  let out = '';
  try {
    await checkCommand(opts, (t) => (out += t));
    return { out, code: 0 };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { out, code: err.exitCode, message: err.message };
  }
}

const clean = simulateHistory({ seed: 3, ops: 600, transactions: true });

describe('kconform check', () => {
  it('passes a correct history: one line per checker, exit 0, nothing written', async () => {
    const history = stored(clean);
    const r = await check({ history });
    expect(r.code).toBe(0);
    for (const c of ['lost-write', 'duplicate', 'reorder', 'unseen', 'aborted-read', 'protocol-expectations'])
      expect(r.out).toMatch(new RegExp(`PASS\\s+${c}`));
    expect(r.out).toContain('verdict: PASS');
    expect(r.out).toContain('from defaults');
    expect(readdirSync(join(history, '..'))).toEqual(['history.jsonl']);
  });

  it('exits 1 on an anomaly and prints its first witnesses', async () => {
    const r = await check({ history: stored(plantAnomaly(clean, 'duplicate')) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL\s+duplicate/);
    expect(r.out).toContain('witness: {"first"');
    expect(r.message).toContain('1 check(s) found an anomaly');
  });

  it('exits 1 when the history cannot decide (no final read)', async () => {
    const r = await check({ history: stored(clean.filter((o) => o.process !== 'final-read')) });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/UNKNOWN\s+lost-write/);
    expect(r.message).toContain('cannot decide');
  });

  it('exits 2 naming the line of a malformed history', async () => {
    const notJson = await check({
      history: stored(clean, undefined, (l) => [...l.slice(0, 6), '{"index": 6,', ...l.slice(7)]),
    });
    expect(notJson).toMatchObject({ code: 2, message: expect.stringMatching(/history\.jsonl:7: not JSON/) });
    const badOp = await check({
      history: stored(clean, undefined, (l) => [
        ...l.slice(0, 2),
        '{"index":2,"time":1,"process":0,"type":"ok","f":"poll","value":{}}',
        ...l.slice(3),
      ]),
    });
    expect(badOp).toMatchObject({
      code: 2,
      message: expect.stringMatching(/history\.jsonl:3: not a history op: ok poll: value\.records/),
    });
    expect(await check({ history: join(scratch, 'missing.jsonl') })).toMatchObject({ code: 2 });
  });

  it('takes the check entry of the config.json beside the history', async () => {
    const lossy = plantAnomaly(clean, 'lost-write');
    const r = await check({ history: stored(lossy, { scenario: 'x', check: { acks: 1, faults: true } }) });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /PASS\s+lost-write\s+1 acknowledged write\(s\) missing from the final read — allowed: acks=1 under faults/,
    );
    expect(r.out).toContain('(check entry)');
    expect((await check({ history: stored(lossy, { scenario: 'x' }) })).code).toBe(1);
  });

  it('prefers --config FILE, and exits 2 on a bad one', async () => {
    const history = stored(plantAnomaly(clean, 'lost-write'), { check: { acks: -1 } });
    const config = join(scratch, 'acks0.json');
    writeFileSync(config, JSON.stringify({ acks: 0 }));
    expect((await check({ history, config })).code).toBe(0);
    writeFileSync(config, JSON.stringify({ acks: 'sometimes' }));
    expect(await check({ history, config })).toMatchObject({
      code: 2,
      message: expect.stringContaining('acks must be'),
    });
    expect(await check({ history: stored(clean, { check: { faults: 1 } }) })).toMatchObject({
      code: 2,
      message: expect.stringContaining('config.json: faults'),
    });
  });

  it('writes results JSON with --out', async () => {
    const out = join(scratch, 'out', 'results.json');
    const r = await check({ history: stored(plantAnomaly(clean, 'reorder')), out });
    expect(r.code).toBe(1);
    const results = JSON.parse(readFileSync(out, 'utf8'));
    expect(results).toMatchObject({
      schema: 'kconform.results/v1',
      command: 'check',
      valid: false,
      ops: clean.length + 10,
    });
    expect(results.checks.find((c: { checker: string }) => c.checker === 'reorder')).toMatchObject({
      valid: false,
      count: 1,
    });
    expect(results.checks.find((c: { checker: string }) => c.checker === 'unseen').series).toHaveLength(100);
  });
});
