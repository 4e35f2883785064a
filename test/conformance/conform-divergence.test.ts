/**
 * `conform` reports a log divergence at the request that made it, and the cases after it do not
 * inherit it. Two reference brokers (external targets, no Kafka needed) are compared; once the
 * Produce cases start, one of them turns on `drop-acked-write` (it answers a Produce as written
 * and never appends it: the answers match, only the logs differ). The bug is switched off again
 * when conform says the logs went apart, so everything after that is a correct broker again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConform } from '../../app/conform/run-conform.ts';
import { LOG_STATE } from '../../app/conform/log-state.ts';
import { parseTargetSpec } from '../../harness/targets/target-spec.ts';
import { BugSwitch, type BugName } from '../../reference-broker/bugs/known-bugs.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-conform-divergence-'));
let buggy: RunningBroker;
let correct: RunningBroker;

beforeAll(async () => {
  [buggy, correct] = await Promise.all([startTestBroker(), startTestBroker()]);
});
afterAll(async () => {
  await Promise.all([buggy?.close(), correct?.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** Switches the buggy broker's known bugs (the broker reads them on every append). */
function setBugs(names: BugName[]): void {
  (buggy.broker as { bugs: BugSwitch }).bugs = new BugSwitch(names);
}

describe('conform when one broker drops an acknowledged write', () => {
  it('reports the divergence at the Produce case that made it, and no later case differs', async () => {
    const lines: string[] = [];
    let armed = false;
    const report = await runConform({
      target: { label: 'buggy', spec: parseTargetSpec(`external@${buggy.bootstrap}`) },
      against: { label: 'correct', spec: parseTargetSpec(`external@${correct.bootstrap}`) },
      seed: 42,
      cases: 3,
      apis: new Set([0, 1, 2]),
      outDir: scratch,
      progress: (line) => {
        lines.push(line);
        // the world is prepared alike on both; the bug strikes on the third append after this
        if (!armed && /^Produce \(0\) v\d+-\d+: running/.test(line)) {
          armed = true;
          setBugs(['drop-acked-write']);
        }
        if (line.includes('left the logs apart')) setBugs([]);
      },
    });
    expect(armed).toBe(true);
    const apart = lines.filter((l) => l.includes('left the logs apart'));
    expect(apart, lines.join('\n')).toHaveLength(1);
    const [, version, caseName] = /^Produce v(\d+) (.+) left the logs apart/.exec(apart[0]!)!;

    // the one case that diverged carries the log difference: a high watermark and a missing batch
    const differing = report.rows.filter((r) => r.verdict === 'differs');
    expect(
      differing.map((r) => [r.apiName, r.version]),
      JSON.stringify(differing, null, 1).slice(0, 3000),
    ).toEqual([['Produce', Number(version)]]);
    const diffs = differing[0]!.diff!;
    expect(new Set(diffs.map((d) => d.case))).toEqual(new Set([caseName]));
    expect(diffs.every((d) => d.path.startsWith(LOG_STATE) && !d.known)).toBe(true);
    expect(diffs.some((d) => /highWatermark$/.test(d.path))).toBe(true);
    // every later Produce, Fetch and ListOffsets case ran on a fresh world: none inherits it
    expect(
      report.rows.filter((r) => r.apiKey !== 0 && r.verdict !== 'unsupported').every((r) => r.verdict === 'same'),
    ).toBe(true);
  }, 180_000);
});
