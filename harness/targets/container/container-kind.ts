/**
 * `container[@IMAGE]`: Kafka in containers through testcontainers, on Docker or Podman; a bare
 * `container` runs the locally built image (`kconform image build`), else apache/kafka.
 * testcontainers is loaded only when a container target starts: it is heavy.
 */
import { LATEST_KAFKA_VERSION } from '../../kafka-dist/kafka-version.ts';
import { withCleanup } from '../started-handle.ts';
import { TargetSpecError, TargetUnavailableError, type TargetKind } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';

/** A parsed `container[@IMAGE]` spec; no image: the default one. */
export interface ContainerSpec {
  readonly kind: 'container';
  readonly image: string | undefined;
}

/** The error classes of the container layer, loaded with it. */
let containerErrors: (new (...args: never[]) => Error)[] = [];

async function loadContainerLayer() {
  const [target, engine] = await Promise.all([import('../../containers/container-target.ts'), import('../../containers/engine.ts')]);
  containerErrors = [target.ContainerTargetError, engine.ContainerEngineUnavailableError];
  return { ...target, ...engine };
}

/** The `container` target kind. */
export const containerKind: TargetKind<ContainerSpec> = {
  name: 'container',
  syntax: 'container[@IMAGE]',
  help: 'Kafka in containers through testcontainers (needs podman or docker; default image: kconform image build, else apache/kafka)',
  capabilities: {
    maxBrokers: 9,
    faults: ['kill', 'pause', 'partition', 'restart', 'rolling-restart', 'replication'],
    faultsNote: 'partitions cut the containers\' own network',
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

  async unavailable() {
    const { detectEngine } = await loadContainerLayer();
    return detectEngine().then(
      () => undefined,
      (err: Error) => err.message,
    );
  },

  async start(spec, c) {
    const { startKafkaContainer } = await loadContainerLayer();
    const started = await startKafkaContainer({ image: spec.image, brokers: c.brokers, logDir: c.runDir });
    const stop = withCleanup(`stop container ${started.image}`, () => started.stop());
    const nodes = started.nodes.map((n) => ({ id: n.id, bootstrap: n.bootstrap }));
    return { spec, bootstrap: started.bootstrap, fresh: true, logFiles: [...started.logFiles], nodes, faults: started.faults, stop, [Symbol.asyncDispose]: stop };
  },

  // startKafkaContainer's own testcontainers wait already saw this; re-checked once from here
  waitStrategies: (_spec, c) => [Wait.forMetadata(c.brokers)],

  explainFailure(err) {
    if (containerErrors.some((E) => err instanceof E)) return new TargetUnavailableError((err as Error).message);
    return undefined;
  },
};
