/**
 * Differences between the reference broker and Kafka that are known and explained: listed in
 * reference-broker/SKIPPED_FEATURES.md (features it does not have, "known differences from
 * Kafka") or where Kafka's own answer is random or unspecified. A cell whose differences are
 * all listed here shows `differs (known: …)` and does not fail the run. Anything else found
 * is a finding to fix in the broker, not to list here.
 */

/** One known difference: where it shows and why. */
export interface KnownDifference {
  apiKey: number;
  /** Versions it applies to (inclusive); all when left out. */
  versions?: readonly [number, number];
  /** Case names it applies to. */
  caseName: RegExp;
  /** Diff paths it covers; all paths of the case when left out. */
  path?: RegExp;
  reason: string;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    apiKey: 33,
    caseName: /^a broker config$/,
    reason:
      'SKIPPED_FEATURES "dynamic broker configs": the reference broker changes no broker config at run time and refuses every one as Kafka refuses a read-only config, INVALID_REQUEST "Cannot update these configs dynamically" (Kafka: accepts log.retention.ms)',
  },
  {
    apiKey: 2,
    caseName: /^(latest tiered|timestamp -6)$/,
    reason:
      'SKIPPED_FEATURES "tiered storage": no remote log, ListOffsets timestamps -5 (latest tiered, v9+) and -6 (earliest pending upload, v11+) answer UNSUPPORTED_VERSION (Kafka: offsets from its tiered-storage state)',
  },
  {
    apiKey: 1,
    caseName: /^new fetch session/,
    path: /sessionId$/,
    reason:
      'SKIPPED_FEATURES "fetch sessions" (KIP-227): the reference broker never creates one and answers session id 0 (Kafka: a random id)',
  },
  {
    apiKey: 0,
    caseName: /^null records$/,
    reason:
      'Kafka 4.4.0 never answers a Produce whose records are null (its handler fails on them): no specified answer to compare with',
  },
  {
    apiKey: 0,
    // the generator draws null records for Produce (app/conform/generated-cases.ts); only the
    // whole-answer difference is listed, so any field difference of a generated case still fails
    caseName: /^generated #\d+$/,
    path: /^$/,
    reason:
      'Kafka 4.4.0 never answers a Produce with null records in any partition (its handler fails on them, the connection stays open without an answer): generated requests with null records have no specified answer to compare with',
  },
  {
    apiKey: 24,
    versions: [4, 5],
    caseName: /^generated #\d+$/,
    path: /^$/,
    reason:
      'Kafka 4.4.0 never answers an AddPartitionsToTxn v4+ with no transactions (it answers once every transaction is answered); the reference broker answers with no results',
  },
  {
    apiKey: 1,
    caseName: /^isolation level 5$/,
    reason:
      'Kafka 4.4.0 answers an unknown isolation level with UNKNOWN_SERVER_ERROR (an internal failure), not a specified error',
  },
];

/** The known difference that explains a diff at `path` of case `caseName`, if any. */
export function knownDifference(
  apiKey: number,
  version: number,
  caseName: string,
  path: string,
  list: readonly KnownDifference[] = KNOWN_DIFFERENCES,
): KnownDifference | undefined {
  return list.find(
    (k) =>
      k.apiKey === apiKey &&
      (!k.versions || (version >= k.versions[0] && version <= k.versions[1])) &&
      k.caseName.test(caseName) &&
      (!k.path || k.path.test(path)),
  );
}
