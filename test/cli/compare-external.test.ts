/**
 * `kconform compare` against an external broker kconform did not start (the implementer's path):
 * two reference brokers started with `kconform broker` stand in for the implementer's broker,
 * one plain and one with the `skip-offset` bug. The plain one must compare the same as the
 * reference target, compare after compare (an external broker keeps earlier runs' topics); the
 * buggy one must differ exactly at the offsets its fetches skipped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kconform as runKconform, startKconform, type CliRun } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-compare-external-'));
const brokers: CliRun[] = [];

const kconform = (args: string[], timeoutMs = 120_000) => runKconform(args, { cwd: scratch, timeoutMs });

/** Starts `kconform broker` on a free port and resolves with its address once it says ready. */
async function externalBroker(extra: string[] = []): Promise<string> {
  const broker = startKconform(['broker', '--port', '0', ...extra], { cwd: scratch });
  brokers.push(broker);
  return (await broker.waitFor(/kconform broker ready on (\S+)/))[1]!;
}

interface Rec {
  partition: number;
  offset: number;
  value: string | null;
}

/** What the replaying reader of a run read, straight from its history.jsonl. */
function replayed(runDir: string): Rec[] {
  const ops = readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return ops
    .filter((op) => op.process === 'replay' && op.f === 'poll' && op.type === 'ok')
    .flatMap((op) => op.value.records as Rec[]);
}

/** `a..b, c` for sorted offsets: the format the diff names offsets in. */
function ranges(offsets: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < offsets.length; ) {
    let j = i;
    while (j + 1 < offsets.length && offsets[j + 1] === offsets[j]! + 1) j++;
    out.push(i === j ? `${offsets[i]}` : `${offsets[i]}..${offsets[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const aspects = (out: string) =>
  json(join(out, 'compare.json')).scenarios[0].aspects as {
    aspect: string;
    same: boolean;
    summary: string;
    details: string[];
  }[];

let plain: string;
let skipping: string;
beforeAll(async () => {
  [plain, skipping] = await Promise.all([externalBroker(), externalBroker(['--bug', 'skip-offset'])]);
}, 60_000);
afterAll(async () => {
  await Promise.all(brokers.map((b) => b[Symbol.asyncDispose]()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('kconform compare against an external broker', () => {
  it('finds an identical external broker the same as the reference target, in every aspect, compare after compare', async () => {
    // twice on one broker: the second compare must not land in the first one's topics
    for (const [i, seed] of [11, 11].entries()) {
      const out = join(scratch, `plain-${i}`);
      const r = await kconform([
        'compare',
        '--targets',
        `reference,external@${plain}`,
        '--scenarios',
        'seed',
        '--records',
        '200',
        '--seed',
        String(seed),
        '--out',
        out,
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).not.toContain('DIFFERS');
      expect(aspects(out).map((a) => [a.aspect, a.same])).toEqual([
        ['offsets', true],
        ['errors', true],
        ['final-read', true],
        ['consumer-reads', true],
        ['checks', true],
      ]);
    }
  }, 120_000);

  it("runs twice on one external broker without landing in the earlier run's topics", async () => {
    // the run directory is `seed-0` in both invocations (two scenarios), the name a run id was made of
    for (const i of [0, 1]) {
      const r = await kconform([
        'run',
        '--target',
        `external@${plain}`,
        '--scenarios',
        'seed,offset-ordering',
        '--records',
        '100',
        '--seed',
        '5',
        '--out',
        join(scratch, `run-${i}`),
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  }, 180_000);

  it('names exactly the offsets an external broker that skips part of a fetch left out, in either order of targets', async () => {
    for (const [name, targets] of [
      ['ref-first', `reference,external@${skipping}`],
      ['ext-first', `external@${skipping},reference`],
    ] as const) {
      const out = join(scratch, name);
      const r = await kconform([
        'compare',
        '--targets',
        targets,
        '--scenarios',
        'seed',
        '--records',
        '200',
        '--seed',
        '11',
        '--out',
        out,
      ]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const report = json(join(out, 'compare.json'));
      const dirOf = (label: string) =>
        report.scenarios[0].runs.find((x: { target: string }) => x.target.startsWith(label)).runDir as string;
      // what the reference's replay read and the buggy broker's did not, by value, from the histories alone
      const got = new Set(replayed(dirOf('external')).map((x) => x.value?.replace(/"run":"[^"]*"/, '')));
      const skipped = replayed(dirOf('reference'))
        .filter((x) => !got.has(x.value?.replace(/"run":"[^"]*"/, '')))
        .map((x) => x.offset)
        .sort((a, b) => a - b);
      expect(skipped.length).toBeGreaterThan(0);
      const byAspect = Object.fromEntries(aspects(out).map((a) => [a.aspect, a]));
      const aspect = (name: string) => byAspect[name] ?? expect.fail(`no aspect '${name}' in the compare output`);
      // what was written, and where, is the same: only the replaying reader differs
      expect(aspect('offsets').same).toBe(true);
      expect(aspect('consumer-reads').same).toBe(false);
      expect(aspect('consumer-reads').summary).toMatch(
        new RegExp(`only reference read .*, at mmr\\[0\\] offsets? ${ranges(skipped).replace(/\./g, '\\.')}(;|$)`),
      );
      expect(aspect('consumer-reads').summary).not.toContain('other offsets');
    }
  }, 120_000);
});
