/**
 * The Python client's environment: a venv under the kconform cache
 * (`~/.cache/kconform/clients/python-venv`, `KCONFORM_CACHE_DIR` overrides) with confluent-kafka
 * from PyPI, whose wheels bundle librdkafka (no compiler, no system package). Created on first
 * use, under a file lock so parallel test files do not install twice.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { acquireFileLock } from '../../harness/kafka-dist/file-lock.ts';
import { kconformCacheRoot } from '../../harness/kafka-dist/resolve-kafka.ts';

const run = promisify(execFile);

/** The confluent-kafka release the matrix pins. */
export const CONFLUENT_KAFKA_VERSION = '2.16.1';

/** The venv's directory. */
export function pythonVenvDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(kconformCacheRoot(env), 'clients', 'python-venv');
}

/** The venv's python, with confluent-kafka importable. */
export function venvPython(env: NodeJS.ProcessEnv = process.env): string {
  return join(pythonVenvDir(env), 'bin', 'python');
}

async function installed(python: string): Promise<string | undefined> {
  if (!existsSync(python)) return undefined;
  try {
    const { stdout } = await run(
      python,
      [
        '-c',
        'import confluent_kafka as c, importlib.metadata as m; print(m.version("confluent-kafka"), c.libversion()[0])',
      ],
      { timeout: 30_000 },
    );
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the venv exists with confluent-kafka; returns "clientVersion librdkafkaVersion".
 * @throws Error with pip's message when python3, venv or the install fails
 */
export async function ensurePythonClient(log: (line: string) => void = () => {}): Promise<string> {
  const python = venvPython();
  const have = await installed(python);
  if (have?.startsWith(`${CONFLUENT_KAFKA_VERSION} `)) return have;
  await mkdir(join(kconformCacheRoot(), 'clients'), { recursive: true });
  const lock = await acquireFileLock(join(kconformCacheRoot(), 'clients', 'python-venv.lock'));
  try {
    const again = await installed(python);
    if (again?.startsWith(`${CONFLUENT_KAFKA_VERSION} `)) return again;
    log(`installing confluent-kafka ${CONFLUENT_KAFKA_VERSION} into ${pythonVenvDir()}`);
    try {
      if (!existsSync(python)) await run('python3', ['-m', 'venv', pythonVenvDir()], { timeout: 120_000 });
      await run(
        join(pythonVenvDir(), 'bin', 'pip'),
        ['install', '-q', '--disable-pip-version-check', `confluent-kafka==${CONFLUENT_KAFKA_VERSION}`],
        { timeout: 300_000 },
      );
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(
        `could not install confluent-kafka into ${pythonVenvDir()}: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`,
      );
    }
    const now = await installed(python);
    if (!now) throw new Error(`confluent-kafka does not import in ${pythonVenvDir()} after installing it`);
    return now;
  } finally {
    await lock.release();
  }
}
