import { startBroker } from '../../../reference-broker/server.ts';
import { createLogger } from '../../../reference-broker/logger.ts';
import type { BrokerConfig } from '../../../reference-broker/config.ts';
import { usageError, targetError } from '../exit-codes.ts';
import { registerCleanup } from '../../../harness/cleanup/cleanup-registry.ts';
import { BUG_NAMES, isBugName, type BugName } from '../../../reference-broker/bugs/known-bugs.ts';
import { parseQuorumVoters } from '../../../reference-broker/cluster-voters.ts';
import { DataDirError, ensureDataDir } from '../../../reference-broker/state/data-dir.ts';
import { readFileSync } from 'node:fs';
import {
  parseSaslMechanisms,
  parseSaslUsers,
  parseSaslUsersFile,
  saslListenerConfig,
  type SaslListenerConfig,
} from '../../../reference-broker/auth/sasl-config.ts';
import { STANDARD_AUTHORIZER_CLASS, type AuthorizerConfig } from '../../../reference-broker/acls/authorizer.ts';

/** Options of `kconform broker` as commander parsed them. */
export interface BrokerOptions {
  host: string;
  port: number;
  brokers: number;
  dataDir?: string;
  numPartitions: number;
  autoCreateTopics: boolean;
  logFlushMessages?: number;
  bug?: string;
  minInsyncReplicas?: number;
  defaultReplicationFactor?: number;
  replicaLagTimeMaxMs: number;
  brokerSessionTimeoutMs: number;
  uncleanLeaderElection?: boolean;
  nodeId?: number;
  controllerPort?: number;
  controllerQuorumVoters?: string;
  sasl?: string;
  saslUsers?: string;
  saslUsersFile?: string;
  connectionsMaxIdleMs?: number;
  authorizerClassName?: string;
  superUsers?: string;
  allowEveryoneIfNoAclFound?: boolean;
  /** `--brokers K` only: serve the control endpoint (docs/control-endpoint.md) on 127.0.0.1:PORT. */
  controlPort?: number;
  /** `--brokers K` only: run each node in its own network namespace so the control endpoint can partition them (root). */
  network?: boolean;
  maxConnections?: number;
  maxConnectionsPerIp?: number;
}

/** The environment variable that may hold the SASL users (`user:password,…`), out of sight of `ps`. */
export const SASL_USERS_ENV = 'KCONFORM_SASL_USERS';

/**
 * `--sasl` and its users as a listener config; undefined for PLAINTEXT. The users come from
 * exactly one of `--sasl-users-file` (one user:password per line), the KCONFORM_SASL_USERS
 * environment variable, or `--sasl-users` (visible in `ps` to every local user: for tests).
 * Bad values are bad usage.
 */
export function parseSaslOptions(
  opts: Pick<BrokerOptions, 'sasl' | 'saslUsers' | 'saslUsersFile'>,
  env: NodeJS.ProcessEnv = process.env,
): SaslListenerConfig | undefined {
  const fromEnv = env[SASL_USERS_ENV] !== undefined && env[SASL_USERS_ENV] !== '' ? env[SASL_USERS_ENV] : undefined;
  const sources = [
    opts.saslUsers !== undefined && '--sasl-users',
    opts.saslUsersFile !== undefined && '--sasl-users-file',
    fromEnv !== undefined && SASL_USERS_ENV,
  ].filter((x): x is string => typeof x === 'string');
  if (opts.sasl === undefined && opts.saslUsers === undefined && opts.saslUsersFile === undefined) return undefined;
  if (opts.sasl === undefined) throw usageError(`${sources[0]} needs --sasl plain|scram-sha-256`);
  if (sources.length === 0)
    throw usageError(
      `--sasl needs users: --sasl-users-file PATH (one user:password per line) or ${SASL_USERS_ENV}=user:password,…`,
    );
  if (sources.length > 1) throw usageError(`SASL users given by both ${sources.join(' and ')}: give one`);
  try {
    let users: Map<string, string>;
    if (opts.saslUsersFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(opts.saslUsersFile, 'utf8');
      } catch (err) {
        throw new Error(`cannot read --sasl-users-file ${opts.saslUsersFile}: ${(err as Error).message}`);
      }
      users = parseSaslUsersFile(text, opts.saslUsersFile);
    } else {
      users = parseSaslUsers((opts.saslUsers ?? fromEnv)!);
    }
    return saslListenerConfig(parseSaslMechanisms(opts.sasl), users);
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

/** Parses `--bug a,b` against the known bugs; an unknown name is bad usage. */
export function parseBugs(value: string | undefined): Set<BugName> {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !isBugName(n));
  if (unknown.length) throw usageError(`unknown bug(s) ${unknown.join(', ')}; known bugs: ${BUG_NAMES.join(', ')}`);
  return new Set(names.filter(isBugName));
}

/**
 * `--authorizer-class-name`, `--super-users` and `--allow-everyone-if-no-acl-found` as the
 * broker's authorizer settings; undefined without an authorizer (Kafka's default).
 */
export function parseAuthorizerOptions(
  opts: Pick<BrokerOptions, 'authorizerClassName' | 'superUsers' | 'allowEveryoneIfNoAclFound'>,
): AuthorizerConfig | undefined {
  if (opts.authorizerClassName === undefined || opts.authorizerClassName === '') {
    if (opts.superUsers !== undefined || opts.allowEveryoneIfNoAclFound)
      throw usageError('--super-users and --allow-everyone-if-no-acl-found need --authorizer-class-name');
    return undefined;
  }
  if (opts.authorizerClassName !== STANDARD_AUTHORIZER_CLASS)
    throw usageError(
      `unknown --authorizer-class-name ${opts.authorizerClassName}: the reference broker implements ${STANDARD_AUTHORIZER_CLASS}`,
    );
  const superUsers = (opts.superUsers ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = superUsers.find((u) => !u.includes(':'));
  if (bad !== undefined) throw usageError(`--super-users: ${bad} is not a principal TYPE:NAME (e.g. User:admin)`);
  return { superUsers, allowEveryoneIfNoAclFound: opts.allowEveryoneIfNoAclFound ?? false };
}

/** The node settings every mode shares. */
function nodeConfig(opts: BrokerOptions): Partial<BrokerConfig> {
  return {
    host: opts.host,
    port: opts.port,
    dataDir: opts.dataDir,
    numPartitions: opts.numPartitions,
    autoCreateTopics: opts.autoCreateTopics,
    flushMessages: opts.logFlushMessages ?? Infinity,
    bugs: parseBugs(opts.bug),
    replicaLagTimeMaxMs: opts.replicaLagTimeMaxMs,
    sasl: parseSaslOptions(opts),
    authorizer: parseAuthorizerOptions(opts),
    ...(opts.connectionsMaxIdleMs !== undefined ? { connectionsMaxIdleMs: opts.connectionsMaxIdleMs } : {}),
    ...(opts.maxConnections !== undefined ? { maxConnections: opts.maxConnections } : {}),
    ...(opts.maxConnectionsPerIp !== undefined ? { maxConnectionsPerIp: opts.maxConnectionsPerIp } : {}),
    ...(opts.minInsyncReplicas !== undefined ? { minInsyncReplicas: opts.minInsyncReplicas } : {}),
    ...(opts.defaultReplicationFactor !== undefined ? { defaultReplicationFactor: opts.defaultReplicationFactor } : {}),
  };
}

/** The settings of one node of a cluster, from --node-id, --controller-port and --controller-quorum-voters. */
function clusterNodeConfig(opts: BrokerOptions): Partial<BrokerConfig> {
  const given = [opts.nodeId, opts.controllerPort, opts.controllerQuorumVoters].filter((v) => v !== undefined).length;
  if (given === 0) return {};
  if (given !== 3)
    throw usageError('a cluster node needs all of --node-id, --controller-port and --controller-quorum-voters');
  let voters;
  try {
    voters = parseQuorumVoters(opts.controllerQuorumVoters!);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (!voters.some((v) => v.id === opts.nodeId))
    throw usageError(
      `--node-id ${opts.nodeId} is not one of --controller-quorum-voters (${voters.map((v) => v.id).join(', ')})`,
    );
  return {
    nodeId: opts.nodeId,
    defaultReplicationFactor: opts.defaultReplicationFactor ?? Math.min(3, voters.length),
    offsetsTopicPartitions: voters.length,
    offsetsTopicReplicationFactor: Math.min(3, voters.length),
    // as the Kafka process clusters: K partitions spread the transaction coordinators over the nodes
    transactionStateTopicPartitions: voters.length,
    transactionStateTopicReplicationFactor: Math.min(3, voters.length),
    cluster: {
      controllerPort: opts.controllerPort!,
      voters,
      brokerSessionTimeoutMs: opts.brokerSessionTimeoutMs,
      brokerHeartbeatIntervalMs: Math.max(100, Math.min(2_000, Math.floor(opts.brokerSessionTimeoutMs / 4))),
      uncleanLeaderElection: opts.uncleanLeaderElection ?? false,
    },
  };
}

/** The flags a launcher passes on to every node it starts. */
function nodeArgs(opts: BrokerOptions): string[] {
  const args = [
    '--num-partitions',
    String(opts.numPartitions),
    '--replica-lag-time-max-ms',
    String(opts.replicaLagTimeMaxMs),
    '--broker-session-timeout-ms',
    String(opts.brokerSessionTimeoutMs),
  ];
  if (!opts.autoCreateTopics) args.push('--no-auto-create-topics');
  if (opts.logFlushMessages !== undefined) args.push('--log-flush-messages', String(opts.logFlushMessages));
  if (opts.bug) args.push('--bug', opts.bug);
  if (opts.minInsyncReplicas !== undefined) args.push('--min-insync-replicas', String(opts.minInsyncReplicas));
  if (opts.defaultReplicationFactor !== undefined)
    args.push('--default-replication-factor', String(opts.defaultReplicationFactor));
  if (opts.uncleanLeaderElection) args.push('--unclean-leader-election');
  if (opts.connectionsMaxIdleMs !== undefined)
    args.push('--connections-max-idle-ms', String(opts.connectionsMaxIdleMs));
  if (opts.maxConnections !== undefined) args.push('--max-connections', String(opts.maxConnections));
  if (opts.maxConnectionsPerIp !== undefined) args.push('--max-connections-per-ip', String(opts.maxConnectionsPerIp));
  if (opts.authorizerClassName) args.push('--authorizer-class-name', opts.authorizerClassName);
  if (opts.superUsers !== undefined) args.push('--super-users', opts.superUsers);
  if (opts.allowEveryoneIfNoAclFound) args.push('--allow-everyone-if-no-acl-found');
  return args;
}

/** `kconform broker --brokers K`: K node processes, supervised, serving until SIGINT/SIGTERM or until no node is left. */
async function clusterCommand(opts: BrokerOptions): Promise<void> {
  if (opts.nodeId !== undefined)
    throw usageError('--brokers K starts every node itself; --node-id is for one node of a cluster');
  const { startSupervisedCluster } = await import('./broker-cluster.ts');
  await startSupervisedCluster({
    brokers: opts.brokers,
    dataDir: opts.dataDir,
    extraArgs: nodeArgs(opts),
    port: opts.port,
    controlPort: opts.controlPort,
    network: opts.network ?? false,
    brokerSessionTimeoutMs: opts.brokerSessionTimeoutMs,
  });
}

/** A --data-dir that is a file (or under one) is bad usage, whatever mode starts on it. */
function checkDataDirPath(dir: string): void {
  try {
    ensureDataDir(dir);
  } catch (err) {
    if (err instanceof DataDirError)
      throw err.badUsage ? usageError(err.message) : targetError(`cannot start the reference broker: ${err.message}`);
    throw err;
  }
}

/** `kconform broker`: serves until SIGINT/SIGTERM, then closes cleanly (logs flushed). */
export async function brokerCommand(opts: BrokerOptions): Promise<void> {
  if (opts.dataDir !== undefined) checkDataDirPath(opts.dataDir);
  // Followers replicate over the client listener, which knows no inter-broker credentials.
  if (
    (opts.sasl !== undefined || opts.saslUsers !== undefined || opts.saslUsersFile !== undefined) &&
    (opts.brokers !== 1 || opts.nodeId !== undefined)
  )
    throw usageError('--sasl serves a single node (replication between reference nodes has no credentials)');
  if (opts.brokers !== 1) return clusterCommand(opts);
  if (opts.controlPort !== undefined || opts.network)
    throw usageError('--control-port and --network serve a cluster: use them with --brokers K (K > 1)');
  const config = { ...nodeConfig(opts), ...clusterNodeConfig(opts) };
  const log = createLogger(config.cluster ? `broker-${config.nodeId}` : 'broker');
  let running;
  try {
    running = await startBroker(config, log);
  } catch (err) {
    if (err instanceof DataDirError && err.badUsage) throw usageError(err.message);
    throw targetError(`cannot start the reference broker: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stdout.write(`kconform broker ready on ${running.bootstrap}\n`);
  // Serves until SIGINT/SIGTERM; the cleanup registry then closes it (logs flushed) and exits.
  registerCleanup('close the reference broker', () => running.close());
  await new Promise<never>(() => {});
}
