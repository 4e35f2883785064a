/**
 * The configuration a history was made under, as far as it decides which anomalies are
 * allowed (allowances.ts). `kconform run` stores it as the `check` entry of config.json.
 */
export interface CheckConfig {
  /** The producers' acks: 0 (no answer), 1 (leader only) or -1 (all in-sync replicas). */
  acks: 0 | 1 | -1;
  /** enable.idempotence of the producers. */
  idempotent: boolean;
  /** min.insync.replicas of the topics. */
  minInsyncReplicas: number;
  /** Replication factor of the topics. */
  replicationFactor: number;
  /** unclean.leader.election.enable. */
  uncleanLeaderElection: boolean;
  /** Producers used transactions (sends tagged `txn`); aborted-read then has something to check. */
  transactional: boolean;
  /** The nemesis injected faults (kill, pause, partition, restart) during the run. */
  faults: boolean;
  /**
   * Consumers were meant to read everything: an acknowledged write no consumer (final read
   * aside) had seen by the end is then an anomaly, not only a number (unseen.ts).
   */
  consumersSeeAll: boolean;
}

/**
 * The defaults: what the seed scenario runs (acks=all, idempotent, one replica, no faults), under
 * which no anomaly is allowed.
 */
export const DEFAULT_CHECK_CONFIG: Readonly<CheckConfig> = Object.freeze({
  acks: -1,
  idempotent: true,
  minInsyncReplicas: 1,
  replicationFactor: 1,
  uncleanLeaderElection: false,
  transactional: false,
  faults: false,
  consumersSeeAll: false,
});

/** The defaults with `partial` laid over them. */
export function resolveCheckConfig(partial: Partial<CheckConfig> = {}): CheckConfig {
  const out = { ...DEFAULT_CHECK_CONFIG };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

const BOOLEANS = ['idempotent', 'uncleanLeaderElection', 'transactional', 'faults', 'consumersSeeAll'] as const;
const COUNTS = ['minInsyncReplicas', 'replicationFactor'] as const;

/**
 * Reads a CheckConfig from parsed JSON (fields may be left out; defaults fill them). `acks` may
 * also be written "all", as Kafka's clients accept. Throws an Error naming the field on anything
 * else — an unknown field too, so a misspelt setting cannot silently fall back to a default.
 */
export function parseCheckConfig(json: unknown): CheckConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error('the check config must be a JSON object');
  const known = new Set<string>(['acks', ...BOOLEANS, ...COUNTS]);
  const partial: Partial<CheckConfig> = {};
  for (const [k, v] of Object.entries(json)) {
    if (!known.has(k)) throw new Error(`unknown check config field '${k}'; known: ${[...known].join(', ')}`);
    if (k === 'acks') {
      const acks = v === 'all' || v === '-1' ? -1 : v === '1' ? 1 : v === '0' ? 0 : v;
      if (acks !== 0 && acks !== 1 && acks !== -1)
        throw new Error(`acks must be 0, 1, -1 or "all", got ${JSON.stringify(v)}`);
      partial.acks = acks;
    } else if ((BOOLEANS as readonly string[]).includes(k)) {
      if (typeof v !== 'boolean') throw new Error(`${k} must be true or false, got ${JSON.stringify(v)}`);
      (partial as Record<string, unknown>)[k] = v;
    } else {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        throw new Error(`${k} must be a whole number ≥ 1, got ${JSON.stringify(v)}`);
      (partial as Record<string, unknown>)[k] = v;
    }
  }
  const config = resolveCheckConfig(partial);
  // Kafka's producer refuses this combination (transactional.id needs enable.idempotence).
  if (config.transactional && !config.idempotent)
    throw new Error('transactional producers are idempotent: transactional=true needs idempotent=true');
  return config;
}

/** The configuration in one line, as the check command prints it. */
export function describeCheckConfig(c: CheckConfig): string {
  return `acks=${c.acks === -1 ? 'all' : c.acks} idempotent=${c.idempotent} min.insync.replicas=${c.minInsyncReplicas} replication.factor=${c.replicationFactor} unclean.leader.election=${c.uncleanLeaderElection} transactional=${c.transactional} faults=${c.faults} consumersSeeAll=${c.consumersSeeAll}`;
}
