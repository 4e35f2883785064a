/**
 * `external@HOST:PORT`: a broker kconform did not start and does not own (any Kafka-compatible
 * broker already running). Its topics are shared, so runs name theirs per run. With faults it is
 * put behind one Kafka-aware proxy per node (network faults), and the owner's `--node-control`
 * commands do the process faults.
 */
import { TargetSpecError, type TargetKind } from '../target-kind.ts';

/** A parsed `external@HOST:PORT` spec (an IPv6 host is written in brackets). */
export interface ExternalSpec {
  readonly kind: 'external';
  readonly host: string;
  readonly port: number;
}

/** The `external` target kind. */
export const externalKind: TargetKind<ExternalSpec> = {
  name: 'external',
  syntax: 'external@HOST:PORT',
  help: 'a broker already running that kconform does not own (any Kafka-compatible broker); --brokers does not apply',
  capabilities: {
    maxBrokers: undefined,
    faults: [
      'delay',
      'blackhole',
      'drop-response',
      'cut-client',
      'kill',
      'pause',
      'restart',
      'rolling-restart',
      'replication',
    ],
    faultsNote: 'network faults through a proxy per node; process faults only through your --node-control commands',
    knownBugs: false,
    nodeControl: true,
    networkLab: false,
    shrinkByDefault: false,
  },

  parse(arg, text) {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(arg ?? '');
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) throw new TargetSpecError(`bad target '${text}': expected external@HOST:PORT`);
    return { kind: 'external', host: (m[1] ?? m[2])!, port };
  },

  // what runs there is not kconform's to know
  kafkaRelease: () => undefined,

  builder: async () => (await import('./external-builder.ts')).externalBuilder,
};
