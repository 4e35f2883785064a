/**
 * Telling "this Kafka release does not exist" from "Maven Central cannot be reached": a cheap
 * look at the release's pom before Maven runs, and a reading of Maven's own error when it fails
 * anyway (Maven may reach Central through a mirror or proxy that a plain HTTP request does not).
 */

/** Maven Central's base URL, where `mvn` resolves from unless a settings.xml mirror says otherwise. */
export const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

/** The artifact that is an Apache Kafka release: the broker jar for Scala 2.13. */
const KAFKA_ARTIFACT = 'org/apache/kafka/kafka_2.13';

/** The URL of the pom of Apache Kafka `version` (the broker artifact, kafka_2.13). */
export function kafkaPomUrl(version: string, base = MAVEN_CENTRAL): string {
  return `${base}/${KAFKA_ARTIFACT}/${version}/kafka_2.13-${version}.pom`;
}

/** What a look at Maven Central says about one release. */
export type ReleaseProbe =
  | { readonly found: true }
  | { readonly found: false; readonly url: string }
  | { readonly found: 'unknown'; readonly reason: string };

/**
 * Asks `base` (default Maven Central) whether Apache Kafka `version` exists, with one HEAD of its
 * pom: 200 is yes, 404 is no, anything else (no network, a proxy, a 5xx) is "cannot tell", and
 * the caller lets Maven try.
 */
export async function probeKafkaRelease(
  version: string,
  opts: { base?: string; timeoutMs?: number } = {},
): Promise<ReleaseProbe> {
  const url = kafkaPomUrl(version, opts.base);
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    if (res.ok) return { found: true };
    if (res.status === 404) return { found: false, url };
    return { found: 'unknown', reason: `HEAD ${url} answered HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return {
      found: 'unknown',
      reason: `HEAD ${url} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    };
  }
}

/**
 * The newest Apache Kafka release listed in `base`'s maven-metadata.xml, or undefined when it
 * cannot be read (it only improves an error message).
 */
export async function newestKafkaRelease(
  opts: { base?: string; timeoutMs?: number } = {},
): Promise<string | undefined> {
  try {
    const res = await fetch(`${opts.base ?? MAVEN_CENTRAL}/${KAFKA_ARTIFACT}/maven-metadata.xml`, {
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
    });
    if (!res.ok) return undefined;
    return /<release>([^<]+)<\/release>/.exec(await res.text())?.[1];
  } catch {
    return undefined;
  }
}

/** Why a Maven run failed, as far as its output says. */
export type MavenFailure =
  /** The release (its kafka_2.13 jar) is not in the repository Maven asked. */
  | 'missing'
  /** The repository could not be reached (no network, unknown host, offline mode, …). */
  | 'unreachable'
  | 'other';

const UNREACHABLE = [
  /Could not transfer artifact/,
  /Unknown host/i,
  /Connection refused/i,
  /Connect timed out|Read timed out/i,
  /Network is unreachable|No route to host/i,
  /in offline mode/,
  // Maven could not even fetch the dependency plugin: nothing was asked about Kafka yet.
  /No plugin found for prefix/,
];

/** Classifies the output of a failed `mvn dependency:copy-dependencies` for Apache Kafka `version`. */
export function classifyMavenFailure(output: string, version: string): MavenFailure {
  const v = version.replace(/\./g, '\\.');
  // "Could not find artifact …" on a fresh look; "… was not found in URL during a previous attempt" when a 404 is cached in ~/.m2.
  if (
    new RegExp(
      `Could not find artifact org\\.apache\\.kafka:kafka_2\\.13:jar:${v}\\b|org\\.apache\\.kafka:kafka_2\\.13:jar:${v} was not found in`,
    ).test(output)
  )
    return 'missing';
  if (UNREACHABLE.some((re) => re.test(output))) return 'unreachable';
  return 'other';
}

/** The first `[ERROR]` line of Maven's output, without colour codes or the "-> [Help 1]" pointer. */
export function mavenErrorLine(output: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ESC of ANSI colour codes
  const clean = output.replace(/\u001b\[[0-9;]*m/g, '');
  const line = clean.split('\n').find((l) => l.startsWith('[ERROR]') && l.replace('[ERROR]', '').trim().length > 0);
  return line?.replace(/^\[ERROR\]\s*/, '').replace(/\s*-> \[Help \d+\]\s*$/, '');
}
