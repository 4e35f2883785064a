/**
 * Parsing of Apache Kafka release versions, and the facts about a release line that the
 * distribution layer needs (which logging binding, which tool classes, which start mode).
 */

/** The newest Apache Kafka release checked to resolve, start, and pass the console round trip. */
export const LATEST_KAFKA_VERSION = '4.4.0';

/** A parsed Apache Kafka release version such as `4.4.0`. */
export interface KafkaVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * Parses `MAJOR.MINOR.PATCH`; throws a `RangeError` for anything else or for a release line
 * the layer does not know how to run (before 2.x there is no `kafka_2.13` artifact).
 */
export function parseKafkaVersion(text: string): KafkaVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new RangeError(`not an Apache Kafka release version: "${text}" (expected e.g. 4.4.0)`);
  const v = { text, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  if (v.major < 2 || v.major > 4) {
    throw new RangeError(`Apache Kafka ${text} is not supported (supported release lines: 2.x, 3.x, 4.x)`);
  }
  return v;
}

/** True when `v` is at least `major.minor`. */
export function atLeast(v: KafkaVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * KRaft became usable in 2.8 (early access) and production-ready in 3.3; 2.x here means
 * ZooKeeper mode, and 4.x removed ZooKeeper mode altogether.
 */
export function supportsKRaft(v: KafkaVersion): boolean {
  return v.major >= 3;
}

/** ZooKeeper mode exists up to and including 3.9. */
export function supportsZooKeeper(v: KafkaVersion): boolean {
  return v.major <= 3;
}
