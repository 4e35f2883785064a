/**
 * `container[@IMAGE]`: Kafka in containers through testcontainers, on Docker or Podman; a bare
 * `container` runs the locally built image (`kconform image build`), else apache/kafka.
 */
import { LATEST_KAFKA_VERSION } from '../../kafka-dist/kafka-version.ts';
import { TargetSpecError, type TargetKind } from '../target-kind.ts';

/** A parsed `container[@IMAGE]` spec; no image: the default one. */
export interface ContainerSpec {
  readonly kind: 'container';
  readonly image: string | undefined;
}

/** The `container` target kind. */
export const containerKind: TargetKind<ContainerSpec> = {
  name: 'container',
  syntax: 'container[@IMAGE]',
  help: "Kafka in containers through testcontainers (needs podman or docker; default image: `kconform image build`'s, else apache/kafka)",
  capabilities: {
    maxBrokers: 9,
    faults: ['kill', 'pause', 'partition', 'restart', 'rolling-restart', 'replication'],
    faultsNote: "partitions cut the containers' own network",
    apacheKafka: true,
    knownBugs: false,
    nodeControl: false,
    networkLab: false,
    shrinkByDefault: false,
  },

  parse(arg, text) {
    if (arg === '') throw new TargetSpecError(`bad target '${text}': expected container or container@IMAGE`);
    return { kind: 'container', image: arg };
  },

  // an image tagged with a release runs that release; the default image, and one tagged otherwise, is taken as the newest Kafka
  kafkaRelease: (spec) => /:(\d+\.\d+\.\d+)$/.exec(spec.image ?? '')?.[1] ?? LATEST_KAFKA_VERSION,

  builder: async () => (await import('./container-builder.ts')).containerBuilder,
};
