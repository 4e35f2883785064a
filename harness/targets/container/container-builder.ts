/**
 * Starts `container@…` targets through testcontainers (heavy: this module is loaded only when a
 * container target starts).
 */
import { ContainerTargetError, startKafkaContainer } from '../../containers/container-target.ts';
import { ContainerEngineUnavailableError, detectEngine } from '../../containers/engine.ts';
import { withCleanup } from '../started-handle.ts';
import { TargetUnavailableError, type TargetBuilder } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';
import type { ContainerSpec } from './container-kind.ts';

/** The builder of the `container` kind. */
export const containerBuilder: TargetBuilder<ContainerSpec> = {
  unavailable: () =>
    detectEngine().then(
      () => undefined,
      (err: Error) => err.message,
    ),

  async start(spec, c) {
    const started = await startKafkaContainer({ image: spec.image, brokers: c.brokers, logDir: c.runDir });
    const stop = withCleanup(`stop container ${started.image}`, () => started.stop());
    const nodes = started.nodes.map((n) => ({ id: n.id, bootstrap: n.bootstrap }));
    return {
      spec,
      bootstrap: started.bootstrap,
      fresh: true,
      logFiles: [...started.logFiles],
      nodes,
      faults: started.faults,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  },

  // startKafkaContainer's own testcontainers wait already saw this; re-checked once from here
  waitStrategies: (_spec, c) => [Wait.forMetadata(c.brokers)],

  explainFailure(err) {
    if (err instanceof ContainerTargetError || err instanceof ContainerEngineUnavailableError)
      return new TargetUnavailableError(err.message);
    return undefined;
  },
};
