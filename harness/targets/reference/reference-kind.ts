/**
 * `reference`: the reference broker. In process when nothing needs it as processes (fastest,
 * nothing to install); as child processes for faults and clusters (`--faults`, `--brokers K`),
 * each node in its own network namespace when partitions are asked for.
 */
import { LATEST_KAFKA_VERSION } from '../../kafka-dist/kafka-version.ts';
import { TargetSpecError, type TargetKind } from '../target-kind.ts';

/** A parsed `reference` spec. */
export interface ReferenceSpec {
  readonly kind: 'reference';
}

/** The `reference` target kind. */
export const referenceKind: TargetKind<ReferenceSpec> = {
  name: 'reference',
  syntax: 'reference',
  help: 'the reference broker in this process (the default; nothing to install); as processes with --faults or --brokers K',
  capabilities: {
    maxBrokers: 9,
    faults: ['kill', 'pause', 'partition', 'restart', 'rolling-restart', 'replication'],
    faultsNote: 'partition needs root, iproute2 and iptables (network namespaces)',
    knownBugs: true,
    nodeControl: false,
    networkLab: true,
    shrinkByDefault: true,
    transactions: true,
    consumerProtocol: true,
  },

  parse(arg, text) {
    if (arg !== undefined) throw new TargetSpecError(`bad target '${text}': expected reference (it takes no @ARG)`);
    return { kind: 'reference' };
  },

  // kconform holds the reference broker to the oracle's answers
  kafkaRelease: () => LATEST_KAFKA_VERSION,

  builder: async () => (await import('./reference-builder.ts')).referenceBuilder,
};
