/**
 * Makes the Apache Kafka release jars for one version available locally: a generated pom is
 * resolved with Maven into a per-version cache directory, once; later calls read the cache
 * and touch neither Maven nor the network.
 *
 * Cache layout (root: `$KCONFORM_CACHE_DIR`, default `~/.cache/kconform`):
 *   kafka/VERSION/lib/*.jar            the release jars and a logging binding
 *   kafka/VERSION/pom.xml              what was resolved
 *   kafka/VERSION/log4j2.properties    (4.x) or log4j.properties (2.x/3.x)
 *   kafka/VERSION/.kconform-dist.json  marker, written last
 *   kafka/VERSION.lock                 held while one process resolves
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { distPom } from './dist-pom.ts';
import { acquireFileLock } from './file-lock.ts';
import { parseKafkaVersion } from './kafka-version.ts';
import { logConfigFor } from './log-config.ts';
import {
  classifyMavenFailure,
  MAVEN_CENTRAL,
  mavenErrorLine,
  newestKafkaRelease,
  probeKafkaRelease,
} from './maven-central.ts';
import { findJava, findMaven, javaMajorVersion, PrerequisiteError } from './prerequisites.ts';

export { PrerequisiteError } from './prerequisites.ts';

export { LATEST_KAFKA_VERSION } from './kafka-version.ts';

/** Releases checked end to end on these machines (resolve, start, produce and consume). */
export const VERIFIED_KAFKA_VERSIONS: readonly string[] = ['4.4.0', '4.3.1', '3.9.2', '2.7.0'];

/** A locally available Apache Kafka release. */
export interface KafkaDist {
  /** The release, e.g. `4.4.0`. */
  readonly version: string;
  /** The cache directory of this release (holds `lib/` and the logging config). */
  readonly home: string;
  /** The directory of jars. */
  readonly libDir: string;
  /** A `-cp` value: the Java wildcard form `LIBDIR/*`. */
  readonly classpath: string;
  /** The `java` executable that runs this release. */
  readonly javaBin: string;
  /**
   * JVM arguments selecting the generated logging config (everything to stderr; the level
   * comes from `-Dkconform.log.level`, default WARN).
   */
  readonly log4jArgs: readonly string[];
}

/** Options of {@link resolveKafka}. */
export interface ResolveKafkaOptions {
  /** Cache root; default `$KCONFORM_CACHE_DIR`, else `~/.cache/kconform`. */
  cacheDir?: string;
  /** Environment for finding `java`/`mvn` and for running Maven; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A Maven local repository other than `~/.m2/repository` (used to measure cold resolves). */
  mavenRepoLocal?: string;
  /** Limit for the Maven run; default 15 minutes. */
  mvnTimeoutMs?: number;
  /**
   * Progress lines (downloading, done with size and time, waiting for another process); default
   * stderr, prefixed `kconform: `, since a first download takes seconds to minutes.
   */
  log?: (line: string) => void;
  /** Where to look before Maven runs whether the release exists; default Maven Central. */
  repositoryUrl?: string;
}

/** Maven ran but did not produce the release (no network, …). Exit code 3. */
export class KafkaResolveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaResolveError';
  }
}

/**
 * The release does not exist on Maven Central: the version in the target spec is wrong, which no
 * retry or install fixes. Exit code 2 (bad usage), not 3.
 */
export class KafkaVersionNotFoundError extends KafkaResolveError {
  readonly version: string;
  constructor(version: string, where: string, newest: string | undefined) {
    super(
      `Apache Kafka ${version} does not exist on Maven Central (no org.apache.kafka:kafka_2.13:${version} at ${where})${newest ? `; the newest release there is ${newest}` : ''}`,
    );
    this.name = 'KafkaVersionNotFoundError';
    this.version = version;
  }
}

// Bump when the pom, log configs or layout change, so existing caches are resolved again.
const LAYOUT = 1;
const MARKER = '.kconform-dist.json';

interface Marker {
  layout: number;
  version: string;
  jars: number;
  resolvedAt: string;
}

/** The cache root: `$KCONFORM_CACHE_DIR`, else `~/.cache/kconform`. */
export function kconformCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.KCONFORM_CACHE_DIR || join(homedir(), '.cache', 'kconform');
}

async function readMarker(home: string, version: string): Promise<Marker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(home, MARKER), 'utf8')) as Marker;
    return m.layout === LAYOUT && m.version === version ? m : undefined;
  } catch {
    return undefined;
  }
}

function distAt(version: string, home: string, javaBin: string): KafkaDist {
  const libDir = join(home, 'lib');
  const log = logConfigFor(parseKafkaVersion(version));
  return {
    version,
    home,
    libDir,
    classpath: join(libDir, '*'),
    javaBin,
    log4jArgs: log.jvmArgs(join(home, log.fileName)),
  };
}

function runMaven(
  mvn: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  version: string,
  repositoryUrl: string,
) {
  return new Promise<void>((resolve, reject) => {
    execFile(mvn, args, { cwd, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) {
        resolve();
        return;
      }
      const output = `${stdout}\n${stderr}`;
      const why =
        mavenErrorLine(output) ??
        (err.killed ? `timed out after ${timeoutMs} ms` : `exited with ${err.code ?? err.signal}`);
      switch (classifyMavenFailure(output, version)) {
        case 'missing':
          void newestKafkaRelease({ base: repositoryUrl }).then((newest) =>
            reject(new KafkaVersionNotFoundError(version, 'the repository Maven asked', newest)),
          );
          return;
        case 'unreachable':
          reject(
            new KafkaResolveError(
              `cannot download Apache Kafka ${version}: Maven Central (or the mirror in ~/.m2/settings.xml) is unreachable: ${why}`,
            ),
          );
          return;
        default:
          reject(
            new KafkaResolveError(
              `cannot download Apache Kafka ${version}: mvn ${args.slice(0, 5).join(' ')} … failed: ${why}`,
            ),
          );
      }
    });
  });
}

/** Sums the sizes of `files` in `dir`, in bytes. */
async function totalBytes(dir: string, files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map((f) => stat(join(dir, f)).then((s) => s.size)));
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * Resolves Apache Kafka `version` into the cache and returns where it is. Safe to call from
 * several processes at once: one resolves under a lock file into a temporary directory that
 * is renamed into place with its marker already inside, so a reader never sees half a
 * release, and an interrupted resolve leaves only a temporary directory, redone next time.
 *
 * @throws PrerequisiteError when `java` (17+ for Kafka 4.x) or `mvn` is missing
 * @throws KafkaVersionNotFoundError when the release does not exist on Maven Central
 * @throws KafkaResolveError when Maven cannot fetch the release
 * @throws RangeError for a malformed or unsupported version
 */
export async function resolveKafka(version: string, opts: ResolveKafkaOptions = {}): Promise<KafkaDist> {
  const v = parseKafkaVersion(version);
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => void process.stderr.write(`kconform: ${line}\n`));
  const javaBin = findJava(env);
  const javaMajor = await javaMajorVersion(javaBin);
  if (v.major >= 4 && javaMajor < 17) {
    throw new PrerequisiteError(
      'java',
      `Apache Kafka ${version} needs Java 17 or newer, but ${javaBin} is Java ${javaMajor}: install ` +
        'e.g. `apt-get install openjdk-17-jre-headless` or point JAVA_HOME at a newer JDK',
    );
  }

  const kafkaRoot = join(opts.cacheDir ?? kconformCacheRoot(env), 'kafka');
  const home = join(kafkaRoot, version);
  if (await readMarker(home, version)) return distAt(version, home, javaBin);

  const mvn = findMaven(env);
  await mkdir(kafkaRoot, { recursive: true });
  const lock = await acquireFileLock(`${home}.lock`, {
    onWait: (owner) => log(`waiting for another process (${owner}) resolving Kafka ${version}`),
  });
  let tmp: string | undefined;
  try {
    if (await readMarker(home, version)) return distAt(version, home, javaBin);
    // Under the lock, any temporary directory of this version is the remains of a killed resolve.
    for (const name of await readdir(kafkaRoot)) {
      if (name.startsWith(`.${version}.tmp-`)) await rm(join(kafkaRoot, name), { recursive: true, force: true });
    }
    const repositoryUrl = opts.repositoryUrl ?? MAVEN_CENTRAL;
    // A HEAD of the pom answers "no such release" in a fraction of a second; Maven would take ~10 s to say it less clearly.
    const probe = await probeKafkaRelease(version, { base: repositoryUrl });
    if (probe.found === false)
      throw new KafkaVersionNotFoundError(version, probe.url, await newestKafkaRelease({ base: repositoryUrl }));
    log(
      `downloading Apache Kafka ${version} (org.apache.kafka:kafka_2.13 and its dependencies) with Maven into ${home}; the first time takes a while`,
    );
    const t0 = Date.now();
    tmp = await mkdtemp(join(kafkaRoot, `.${version}.tmp-`));
    await writeFile(join(tmp, 'pom.xml'), distPom(v));
    const args = [
      '-q',
      '-B',
      '-f',
      join(tmp, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(tmp, 'lib')}`,
      '-DincludeScope=runtime',
    ];
    if (opts.mavenRepoLocal) args.push(`-Dmaven.repo.local=${opts.mavenRepoLocal}`);
    await runMaven(mvn, args, tmp, env, opts.mvnTimeoutMs ?? 15 * 60_000, version, repositoryUrl);

    const jars = (await readdir(join(tmp, 'lib'))).filter((f) => f.endsWith('.jar'));
    if (!jars.includes(`kafka_2.13-${version}.jar`)) {
      throw new KafkaResolveError(`Maven finished but kafka_2.13-${version}.jar is missing from ${tmp}/lib`);
    }
    const logConfig = logConfigFor(v);
    await writeFile(join(tmp, logConfig.fileName), logConfig.text);
    const marker: Marker = { layout: LAYOUT, version, jars: jars.length, resolvedAt: new Date().toISOString() };
    await writeFile(join(tmp, MARKER), `${JSON.stringify(marker, null, 2)}\n`);

    // mkdtemp makes the directory private; the cache is readable like any other install.
    await chmod(tmp, 0o755);
    // A home without a valid marker is an older layout or damage: replace it whole.
    if (
      await stat(home).then(
        () => true,
        () => false,
      )
    )
      await rm(home, { recursive: true, force: true });
    await rename(tmp, home);
    tmp = undefined;
    const mib = (await totalBytes(join(home, 'lib'), jars)) / (1 << 20);
    log(
      `Apache Kafka ${version} ready: ${jars.length} jars, ${mib.toFixed(1)} MiB, in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return distAt(version, home, javaBin);
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    await lock.release();
  }
}
