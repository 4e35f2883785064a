import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded artifacts live: `$KCONFORM_CACHE_DIR` or `~/.cache/kconform`. */
export function cacheRoot(): string {
  return process.env.KCONFORM_CACHE_DIR || join(homedir(), '.cache', 'kconform');
}

/** Paths of the kafka-clients jar (message specs) and its sources jar (Errors.java). */
export interface KafkaClientsJars {
  readonly jar: string;
  readonly sourcesJar: string;
}

/** The cached jar paths for `version`, whether or not they exist yet. */
export function cachedJarPaths(version: string, root = cacheRoot()): KafkaClientsJars {
  const dir = join(root, 'specs', version);
  return {
    jar: join(dir, `kafka-clients-${version}.jar`),
    sourcesJar: join(dir, `kafka-clients-${version}-sources.jar`),
  };
}

/**
 * Returns the kafka-clients jars for `version`, fetching them from Maven Central with
 * `mvn dependency:copy` only when they are not cached yet, so codegen works offline after
 * the first run. Each jar is copied into a scratch directory first and then renamed into
 * place, so a concurrent or interrupted run never leaves a half-written jar in the cache.
 */
export function ensureKafkaClientsJars(version: string, root = cacheRoot()): KafkaClientsJars {
  const paths = cachedJarPaths(version, root);
  const wanted: [string, string][] = [
    [paths.jar, `org.apache.kafka:kafka-clients:${version}`],
    [paths.sourcesJar, `org.apache.kafka:kafka-clients:${version}:jar:sources`],
  ];
  if (wanted.every(([path]) => existsSync(path))) return paths;
  const dir = join(root, 'specs', version);
  mkdirSync(dir, { recursive: true });
  // Test files run in parallel workers: one fetches while the others wait, so two mvn runs
  // never race on the same local repository files.
  withLock(dir, () => {
    for (const [path, artifact] of wanted) {
      if (!existsSync(path)) fetchArtifact(artifact, dir, path);
    }
  });
  return paths;
}

function fetchArtifact(artifact: string, dir: string, path: string): void {
  const scratch = mkdtempSync(join(dir, '.fetch-'));
  try {
    const res = spawnSync(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${scratch}`],
      {
        // An empty working directory, so a pom.xml wherever we were started cannot interfere.
        cwd: scratch,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    if (res.error) throw new Error(`cannot run mvn to fetch ${artifact}: ${res.error.message}`);
    const got = readdirSync(scratch).filter((f) => f.endsWith('.jar'));
    if (res.status !== 0 || got.length !== 1) {
      const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(`mvn could not fetch ${artifact} (exit ${res.status}):\n${out}`);
    }
    renameSync(join(scratch, got[0]!), path);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const LOCK_STALE_MS = 10 * 60_000;

/** Runs `fn` holding a lock directory in `dir`; a lock older than 10 minutes is taken as abandoned. */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, '.lock');
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // The holder released it meanwhile.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
