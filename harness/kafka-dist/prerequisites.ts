/**
 * Finding the external tools the distribution layer runs (`java`, `mvn`), and the error that
 * says which one to install when one is missing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * A tool kconform needs is missing or too old. The message names what to install; CLI
 * callers map this error to exit code 3 ("the target could not be started").
 */
export class PrerequisiteError extends Error {
  /** The missing tool, e.g. `java` or `mvn`. */
  readonly tool: string;

  constructor(tool: string, message: string) {
    super(message);
    this.name = 'PrerequisiteError';
    this.tool = tool;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on `PATH`, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** `$JAVA_HOME/bin/java` when set, else `java` on `PATH`; throws `PrerequisiteError`. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JAVA_HOME) {
    const fromHome = join(env.JAVA_HOME, 'bin', 'java');
    if (isExecutable(fromHome)) return fromHome;
  }
  const onPath = findOnPath('java', env);
  if (onPath) return onPath;
  throw new PrerequisiteError(
    'java',
    'java not found (JAVA_HOME unset or without bin/java, and no java on PATH): install a Java 17+ ' +
      'runtime, e.g. `apt-get install openjdk-17-jre-headless`, to run Apache Kafka targets',
  );
}

/** `mvn` on `PATH`; throws `PrerequisiteError`. */
export function findMaven(env: NodeJS.ProcessEnv = process.env): string {
  const mvn = findOnPath('mvn', env);
  if (mvn) return mvn;
  throw new PrerequisiteError(
    'mvn',
    'mvn not found on PATH: install Apache Maven, e.g. `apt-get install maven`, to fetch the ' +
      'Apache Kafka release jars from Maven Central',
  );
}

const javaMajorCache = new Map<string, Promise<number>>();

/** The feature version of a Java runtime (8, 11, 17, 25…), read from `java -version` once. */
export function javaMajorVersion(javaBin: string): Promise<number> {
  let cached = javaMajorCache.get(javaBin);
  if (!cached) {
    cached = new Promise<number>((resolve, reject) => {
      execFile(javaBin, ['-version'], { timeout: 30_000 }, (err, _stdout, stderr) => {
        if (err) {
          reject(new PrerequisiteError('java', `${javaBin} -version failed: ${err.message}`));
          return;
        }
        // `version "17.0.15"`, `version "1.8.0_392"`, `version "25"`
        const m = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
        if (!m) {
          reject(new PrerequisiteError('java', `cannot read the Java version from: ${stderr.trim()}`));
          return;
        }
        const first = Number(m[1]);
        resolve(first === 1 && m[2] ? Number(m[2]) : first);
      });
    });
    javaMajorCache.set(javaBin, cached);
  }
  return cached;
}
