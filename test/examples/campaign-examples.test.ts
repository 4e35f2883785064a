/**
 * The campaign examples (docs/examples/github-actions, docs/examples/kubernetes) are valid for the
 * engines they target — actionlint for the workflow, Kubernetes' schemas for the manifests — and
 * the kconform command lines in them parse (issue 17, part 4).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureActionlint, ensureKubernetesValidate } from '../helpers/example-validators.ts';
import { kconform, repoRoot } from '../helpers/kconform-cli.ts';

const run = promisify(execFile);
const examples = join(repoRoot, 'docs', 'examples');
const workflow = join(examples, 'github-actions', 'kconform-campaign.yml');
const manifests = ['kconform-campaign.yaml', 'kconform-merge.yaml'].map((f) => join(examples, 'kubernetes', f));
const scratch = mkdtempSync(join(tmpdir(), 'kconform-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a validator; resolves with its exit code and output (a failed check is a result, not a throw). */
async function check(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('campaign examples', () => {
  it('the GitHub Actions workflow passes actionlint, and a broken copy does not', async () => {
    const actionlint = await ensureActionlint();
    const ok = await check(actionlint, ['-no-color', workflow]);
    expect(ok.output).toBe('');
    expect(ok.code).toBe(0);
    const broken = join(scratch, 'broken.yml');
    writeFileSync(broken, readFileSync(workflow, 'utf8').replace('needs: shard', 'needs: no-such-job'));
    const bad = await check(actionlint, ['-no-color', broken]);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/no-such-job/);
  }, 600_000);

  it("the Kubernetes manifests pass Kubernetes' schemas (strict), and a broken copy does not", async () => {
    const validate = await ensureKubernetesValidate();
    const ok = await check(validate, ['--strict', ...manifests]);
    expect(ok.code, ok.output).toBe(0);
    expect(ok.output.match(/passed for resource/g)).toHaveLength(3);
    const broken = join(scratch, 'broken.yaml');
    writeFileSync(broken, readFileSync(manifests[0]!, 'utf8').replace('completionMode: Indexed', 'completionMode: 7'));
    const bad = await check(validate, ['--strict', broken]);
    expect(bad.code).not.toBe(0);
  }, 600_000);

  it('the kconform command lines of the examples parse, up to the output check before any target starts', async () => {
    const fromWorkflow = /CAMPAIGN: >-\n((?:\s{4}.*\n)+)/.exec(readFileSync(workflow, 'utf8'))?.[1];
    const fromJob = /exec \.\/kconform run ((?:.*\n)+?)\s+--shard/.exec(readFileSync(manifests[0]!, 'utf8'))?.[1];
    for (const text of [fromWorkflow, fromJob]) {
      expect(text).toBeDefined();
      const args = text!.replaceAll('"$SEED"', '1').split(/\s+/).filter(Boolean);
      // /proc is never writable: the run stops at the output check, after every option was read.
      const r = await kconform(['run', ...args, '--seed', '1', '--shard', '2/4', '--out', '/proc/kconform-example']);
      expect(r.stderr).toMatch(/proc\/kconform-example/);
      expect(r.code).toBe(2);
    }
  }, 120_000);
});
