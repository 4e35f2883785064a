/**
 * The validators the campaign examples are checked with, installed on first use into the kconform
 * cache (`~/.cache/kconform/tools`): actionlint built from the Go module proxy, and
 * kubernetes-validate (Kubernetes' JSON schemas bundled, so no network at check time) in a venv
 * from PyPI. Under a file lock, so parallel test files do not install twice.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { acquireFileLock } from '../../harness/kafka-dist/file-lock.ts';
import { kconformCacheRoot } from '../../harness/kafka-dist/resolve-kafka.ts';

const run = promisify(execFile);

/** Pinned releases. */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';

const toolsDir = () => join(kconformCacheRoot(), 'tools');

async function versionOf(cmd: string, args: string[]): Promise<string | undefined> {
  if (!existsSync(cmd)) return undefined;
  try {
    const { stdout } = await run(cmd, args, { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

async function installing<T>(
  what: string,
  have: () => Promise<T | undefined>,
  install: () => Promise<void>,
): Promise<T> {
  const first = await have();
  if (first !== undefined) return first;
  await mkdir(toolsDir(), { recursive: true });
  const lock = await acquireFileLock(join(toolsDir(), `${what}.lock`));
  try {
    const again = await have();
    if (again !== undefined) return again;
    try {
      await install();
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`could not install ${what}: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`);
    }
    const now = await have();
    if (now === undefined) throw new Error(`${what} does not run after installing it into ${toolsDir()}`);
    return now;
  } finally {
    await lock.release();
  }
}

/** The path of actionlint at the pinned version (built with `go install`; needs Go). */
export function ensureActionlint(): Promise<string> {
  const bin = join(toolsDir(), 'bin', 'actionlint');
  return installing(
    'actionlint',
    async () => ((await versionOf(bin, ['-version']))?.startsWith(ACTIONLINT_VERSION) ? bin : undefined),
    async () => {
      await run('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
        timeout: 600_000,
        env: { ...process.env, GOBIN: join(toolsDir(), 'bin') },
      });
    },
  );
}

/** The path of kubernetes-validate at the pinned version (in a venv; needs python3 with venv). */
export function ensureKubernetesValidate(): Promise<string> {
  const venv = join(toolsDir(), 'kubernetes-validate-venv');
  const bin = join(venv, 'bin', 'kubernetes-validate');
  return installing(
    'kubernetes-validate',
    async () => ((await versionOf(bin, ['--version']))?.includes(KUBERNETES_VALIDATE_VERSION) ? bin : undefined),
    async () => {
      if (!existsSync(join(venv, 'bin', 'pip'))) await run('python3', ['-m', 'venv', venv], { timeout: 120_000 });
      await run(
        join(venv, 'bin', 'pip'),
        ['install', '-q', '--disable-pip-version-check', `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`],
        { timeout: 300_000 },
      );
    },
  );
}
