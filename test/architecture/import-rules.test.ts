import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const LAYERS = ['protocol', 'reference-broker', 'harness', 'scenarios', 'reports', 'app'];

/** The repo's rules (.dependency-cruiser.mjs), cruising from `baseDir`. */
async function options(baseDir: string): Promise<ICruiseOptions> {
  const fromConfig = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.mjs'));
  // The fixture below has no tsconfig; the .ts extensions in its imports resolve without one.
  const { tsConfig: _unused, ...rest } = fromConfig;
  return { ...rest, baseDir, validate: true, ...(baseDir === ROOT ? { tsConfig: fromConfig.tsConfig } : {}) };
}

/** Every violation of a cruise over `dirs` (relative to `baseDir`). */
async function violations(baseDir: string, dirs: string[]): Promise<IViolation[]> {
  const opts = await options(baseDir);
  const result = await cruise(dirs, opts, opts.baseDir === ROOT ? undefined : {});
  if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, not a result');
  return result.output.summary.violations;
}

/** One line per violation: the rule, the importing file and what it imports (the cycle for a cycle). */
function describeViolation(v: IViolation): string {
  const via = v.cycle?.length ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} imports ${v.to}${via}`;
}

describe('layers import only downward (docs/architecture.md, "Layers")', () => {
  it('no file in the layered folders breaks a rule of .dependency-cruiser.mjs', async () => {
    const found = (await violations(ROOT, LAYERS)).map(describeViolation);
    expect(found, `import rule violations:\n${found.join('\n')}`).toEqual([]);
    // A few seconds of CPU; the timeout leaves room for a loaded machine.
  }, 300_000);
});

describe('the rules catch a wrong import, by name', () => {
  const fixture = mkdtempSync(join(tmpdir(), 'kconform-import-rules-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  /** Writes `file` in the fixture, importing each of `imports` (fixture-relative paths). */
  function module(file: string, ...imports: string[]): void {
    const path = join(fixture, file);
    mkdirSync(dirname(path), { recursive: true });
    const lines = imports.map((target, i) => {
      let spec = join(...Array(file.split('/').length - 1).fill('..'), target);
      if (!spec.startsWith('.')) spec = `./${spec}`;
      return `import { x as x${i} } from '${spec}';`;
    });
    writeFileSync(path, `${lines.join('\n')}\nexport const x = 1;\n`);
  }

  it('names the rule each forbidden direction breaks, and lets every downward import through', async () => {
    // Downward and same-folder imports, a cycle inside one folder: all allowed.
    module('protocol/records/batch.ts');
    module('protocol/client/raw-client.ts', 'protocol/records/batch.ts');
    module('reference-broker/broker.ts', 'protocol/client/raw-client.ts', 'reference-broker/log.ts');
    module('reference-broker/log.ts', 'reference-broker/broker.ts');
    module('harness/history/ops.ts', 'reference-broker/broker.ts');
    module('harness/targets/target.ts', 'harness/history/ops.ts');
    module('scenarios/seed.ts', 'harness/targets/target.ts');
    module('reports/junit.ts', 'harness/history/ops.ts', 'protocol/records/batch.ts');
    module('app/cli/main.ts', 'reports/junit.ts', 'scenarios/seed.ts');
    // One wrong import per rule.
    module('protocol/messages/frames.ts', 'protocol/client/raw-client.ts');
    module('protocol/client/pool.ts', 'reference-broker/broker.ts');
    module('reference-broker/net.ts', 'harness/history/ops.ts');
    module('harness/recorder.ts', 'scenarios/seed.ts');
    module('scenarios/summary.ts', 'reports/junit.ts');
    module('reports/live.ts', 'harness/targets/target.ts');
    module('reports/upward.ts', 'app/cli/main.ts');
    // A cycle across folders: harness → scenarios → harness (dependency-cruiser names a cycle once).
    module('harness/drivers/driver.ts', 'scenarios/loop.ts');
    module('scenarios/loop.ts', 'harness/drivers/driver.ts');

    const found = (await violations(fixture, LAYERS)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
    expect(found).toEqual(
      [
        'protocol-codec-is-the-ground: protocol/messages/frames.ts → protocol/client/raw-client.ts',
        'wire-client-below-reference-broker: protocol/client/pool.ts → reference-broker/broker.ts',
        'reference-broker-below-harness: reference-broker/net.ts → harness/history/ops.ts',
        'harness-not-above-scenarios: harness/recorder.ts → scenarios/seed.ts',
        'harness-not-above-scenarios: harness/drivers/driver.ts → scenarios/loop.ts',
        'scenarios-not-above-reports: scenarios/summary.ts → reports/junit.ts',
        'reports-read-stored-files-only: reports/live.ts → harness/targets/target.ts',
        'reports-read-stored-files-only: reports/upward.ts → app/cli/main.ts',
        'no-circular-across-folders: harness/drivers/driver.ts → scenarios/loop.ts',
      ].sort(),
    );
  });
});
