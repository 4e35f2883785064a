/**
 * kconform as a user installs it: the library is built (`npm run build:lib`) and packed
 * (`npm pack`), the tarball installed into a scratch project outside the repository next to
 * vitest, kafkajs and @platformatic/kafka, and the worked example of docs/library.md
 * (docs/examples/library-example.ts) run there by vitest: a broker started in-process, records
 * round-tripped with both clients, a 3-node cluster that still delivers after its leader is
 * killed through `control`, and no broker process left after dispose.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'docs', 'examples', 'library-example.ts');
/** The versions the repository itself pins, so the install is served from npm's cache. */
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const pinned = (name: string) => `${name}@${pkg.dependencies[name] ?? pkg.devDependencies[name]}`;
/** Node ≥ 22 on the PATH first: the scratch project's scripts and vitest run on it (this machine's system Node may be older). */
const env = { ...process.env, PATH: `${join(process.execPath, '..')}:${process.env.PATH}` };

/** Processes whose command line mentions `dir` (the scratch project's broker processes run from its node_modules). */
function processesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('the packed library in a scratch project', () => {
  let scratch: string;
  let packDir: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'kconform-scratch-'));
    packDir = mkdtempSync(join(tmpdir(), 'kconform-pack-'));
    await run(process.execPath, [join(ROOT, 'app', 'library', 'build-package.ts')], { cwd: ROOT, env });
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], {
      cwd: ROOT,
      env,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        join(packDir, filename),
        pinned('vitest'),
        pinned('kafkajs'),
        pinned('@platformatic/kafka'),
      ],
      { cwd: scratch, env },
    );
    copyFileSync(EXAMPLE, join(scratch, 'broker.test.ts'));
  }, 240_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (packDir) rmSync(packDir, { recursive: true, force: true });
  });

  it('installs as JavaScript with types: exports resolve to dist/, no TypeScript source is shipped', () => {
    const installed = join(scratch, 'node_modules', 'kconform');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({
      types: './dist/app/library/index.d.ts',
      default: './dist/app/library/index.js',
    });
    const shipped = readdirSync(installed, { recursive: true }).map(String);
    expect(shipped.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(installed, 'dist', 'app', 'library', 'index.d.ts'), 'utf8')).not.toMatch(
      /from '\.[^']*\.ts'/,
    );
  });

  it('has the CLI too: `npx kconform` runs the built one', async () => {
    const { stdout } = await run('npx', ['--no-install', 'kconform', '--version'], { cwd: scratch, env });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('runs the worked example of docs/library.md there: both clients, a killed leader, nothing left running', async () => {
    const report = join(scratch, 'vitest-report.json');
    const outcome = await run(
      process.execPath,
      [join('node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=json', `--outputFile=${report}`],
      { cwd: scratch, env },
    ).then(
      () => 'passed',
      (err: { stdout?: string; stderr?: string }) => `failed:\n${err.stdout}\n${err.stderr}`,
    );
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { title: string; status: string }[] }[];
    };
    expect(outcome).toBe('passed');
    expect(results.testResults.flatMap((f) => f.assertionResults.map((a) => `${a.status}: ${a.title}`))).toEqual([
      'passed: kafkajs: a record round-trips through a broker started in this process',
      'passed: @platformatic/kafka: a record round-trips through a broker started in this process',
      'passed: a 3-node cluster still delivers after the leader is killed, and leaves no process behind',
    ]);
    expect(processesUnder(scratch)).toEqual([]);
  }, 180_000);

  it('is the example docs/library.md shows', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
    expect(doc).toContain(readFileSync(EXAMPLE, 'utf8').trim());
  });
});
