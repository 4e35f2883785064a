/**
 * `kafka[@VERSION[,zk]]`: Apache Kafka from its release jars (Maven Central, cached), run as
 * local processes: KRaft combined mode, or ZooKeeper mode with `,zk` (2.7.0, 3.9.x). With
 * partitions asked for, each node runs in its own network namespace.
 */
import { LATEST_KAFKA_VERSION, parseKafkaVersion } from '../../kafka-dist/kafka-version.ts';
import { TargetSpecError, type TargetKind } from '../target-kind.ts';

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
  help: 'Apache Kafka release jars run as local processes (needs java 17+; ,zk: ZooKeeper mode, for 2.7.0 and 3.9.x)',
  capabilities: {
    maxBrokers: 9,
    faults: ['kill', 'pause', 'partition', 'restart', 'rolling-restart', 'replication'],
    faultsNote: 'partition needs root, iproute2 and iptables (network namespaces)',
    apacheKafka: true,
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
    try {
      parseKafkaVersion(version);
    } catch (e) {
      // a release line the distribution layer cannot run is a bad spec (exit 2), not an unavailable target
      throw new TargetSpecError(`bad target '${text}': ${(e as Error).message}`);
    }
    return { kind: 'kafka', version, zookeeper: mode === 'zk' };
  },

  kafkaRelease: (spec) => spec.version,

  builder: async () => (await import('./kafka-builder.ts')).kafkaBuilder,
};
