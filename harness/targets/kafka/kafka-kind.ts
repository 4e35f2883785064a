/**
 * `kafka[@VERSION[,zk]]`: Apache Kafka from its release jars (Maven Central, cached), run as
 * local processes: KRaft combined mode, or ZooKeeper mode with `,zk` (2.7.0, 3.9.x). With
 * partitions asked for, each node runs in its own network namespace.
 */
import { join } from 'node:path';
import { KafkaResolveError, KafkaStartError, KafkaVersionNotFoundError, PrerequisiteError } from '../../kafka-dist/index.ts';
import { failoverTimingProperties } from '../../kafka-dist/cluster-properties.ts';
import { startKafkaCluster } from '../../kafka-dist/kafka-cluster.ts';
import { LATEST_KAFKA_VERSION } from '../../kafka-dist/kafka-version.ts';
import { findJava } from '../../kafka-dist/prerequisites.ts';
import { ProcessFaultControl } from '../../nemesis/process-faults.ts';
import { startClusterInLab } from '../../netns/lab-cluster.ts';
import { checkNetnsPrerequisites } from '../../netns/prerequisites.ts';
import { NetnsCommandError } from '../../netns/run-tool.ts';
import { processTarget, withCleanup } from '../started-handle.ts';
import { TargetSpecError, TargetUnavailableError, type TargetKind } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';

/** A parsed `kafka@…` spec. A bare `kafka` is the newest supported release. */
export interface KafkaSpec {
  readonly kind: 'kafka';
  readonly version: string;
  readonly zookeeper: boolean;
}

/** The `kafka` target kind. */
export const kafkaKind: TargetKind<KafkaSpec> = {
  name: 'kafka',
  syntax: `kafka[@VERSION[,zk]] (newest: ${LATEST_KAFKA_VERSION})`,
  help: 'Apache Kafka release jars run as local processes (needs java; ,zk: ZooKeeper mode for 2.7.0 and 3.9.x)',
  capabilities: {
    maxBrokers: 9,
    faults: ['kill', 'pause', 'partition', 'restart', 'rolling-restart', 'replication'],
    faultsNote: 'partition needs root, iproute2 and iptables (network namespaces)',
    knownBugs: false,
    nodeControl: false,
    networkLab: true,
    shrinkByDefault: false,
  },

  parse(arg, text) {
    if (arg === undefined) return { kind: 'kafka', version: LATEST_KAFKA_VERSION, zookeeper: false };
    const [version, mode, ...rest] = arg.split(',');
    if (!version || !/^\d+\.\d+\.\d+$/.test(version) || rest.length > 0 || (mode !== undefined && mode !== 'zk')) {
      throw new TargetSpecError(`bad target '${text}': expected kafka, kafka@X.Y.Z or kafka@X.Y.Z,zk`);
    }
    return { kind: 'kafka', version, zookeeper: mode === 'zk' };
  },

  kafkaRelease: (spec) => spec.version,

  async unavailable(_spec, options) {
    try {
      findJava();
      if (options.network) checkNetnsPrerequisites();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },

  async start(spec, c) {
    // Each node's data, config and log stay in the run directory, next to the history they explain.
    const serverProperties = c.timings ? failoverTimingProperties(c.timings, spec.zookeeper ? 'zookeeper' : 'kraft') : undefined;
    const options = { version: spec.version, brokers: c.brokers, mode: spec.zookeeper ? ('zookeeper' as const) : undefined, dataDir: join(c.runDir, 'kafka'), serverProperties };
    if (c.network) {
      const lc = await startClusterInLab({ nodes: c.brokers }, (lab) => startKafkaCluster({ ...options, network: lab }));
      return processTarget(spec, lc.cluster, lc.faults, withCleanup(`stop Kafka ${spec.version} and its network lab`, () => lc.stop()));
    }
    const cluster = await startKafkaCluster(options);
    return processTarget(spec, cluster, new ProcessFaultControl(cluster), withCleanup(`stop Kafka ${spec.version}`, () => cluster.stop()));
  },

  // startKafkaCluster waits for Metadata listing every node and a controller; this re-checks it once
  waitStrategies: (_spec, c) => [Wait.forMetadata(c.brokers)],

  explainFailure(err) {
    // a release that does not exist is a wrong spec (exit 2): no install or retry helps
    if (err instanceof KafkaVersionNotFoundError) return new TargetUnavailableError(err.message, { badSpec: true });
    if (err instanceof PrerequisiteError || err instanceof KafkaResolveError || err instanceof KafkaStartError || err instanceof NetnsCommandError || err instanceof RangeError) return new TargetUnavailableError(err.message);
    return undefined;
  },
};
