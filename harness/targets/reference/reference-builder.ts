/** Starts `reference` targets: the broker in this process, or as processes (in a network lab for partitions). */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../reference-broker/logger.ts';
import { startBroker } from '../../../reference-broker/server.ts';
import { PrerequisiteError } from '../../kafka-dist/prerequisites.ts';
import {
  SINGLE_NODE_OFFSETS_PARTITIONS,
  SINGLE_NODE_TXN_STATE_PARTITIONS,
} from '../../kafka-dist/server-properties.ts';
import { ProcessFaultControl } from '../../nemesis/process-faults.ts';
import { startClusterInLab } from '../../netns/lab-cluster.ts';
import { checkNetnsPrerequisites } from '../../netns/prerequisites.ts';
import { NetnsCommandError } from '../../netns/run-tool.ts';
import { ReferenceStartError, startReferenceProcesses } from '../reference-process.ts';
import { noFaults, processTarget, withCleanup } from '../started-handle.ts';
import { TargetUnavailableError, type StartContext, type StartedTarget, type TargetBuilder } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';
import type { ReferenceSpec } from './reference-kind.ts';

/** The reference broker runs as processes (not in kconform's own) for faults and clusters: its nodes talk over the network. */
const asProcesses = (c: StartContext) => Boolean(c.faultable || c.network || c.brokers > 1);

/** The builder of the `reference` kind. */
export const referenceBuilder: TargetBuilder<ReferenceSpec> = {
  async unavailable(_spec, options) {
    if (!options.network) return undefined;
    try {
      checkNetnsPrerequisites();
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },

  async start(spec, c): Promise<StartedTarget<ReferenceSpec>> {
    if (asProcesses(c)) {
      const extraArgs = c.bugs?.size ? ['--bug', [...c.bugs].join(',')] : [];
      if (c.timings)
        extraArgs.push(
          '--replica-lag-time-max-ms',
          String(c.timings.replicaLagTimeMaxMs),
          '--broker-session-timeout-ms',
          String(c.timings.brokerSessionTimeoutMs),
        );
      const dataDir = join(c.runDir, 'reference');
      const brokers = c.brokers;
      if (c.network) {
        const lc = await startClusterInLab({ nodes: brokers }, (lab) =>
          startReferenceProcesses({ brokers, dataDir, extraArgs, network: lab }),
        );
        return processTarget(
          spec,
          lc.cluster,
          lc.faults,
          withCleanup('stop the reference broker processes and their network lab', () => lc.stop()),
        );
      }
      const cluster = await startReferenceProcesses({ brokers, dataDir, extraArgs });
      return processTarget(
        spec,
        cluster,
        new ProcessFaultControl(cluster),
        withCleanup('stop the reference broker processes', () => cluster.stop()),
      );
    }
    const logFile = join(c.runDir, 'reference-broker.log');
    const out = createWriteStream(logFile);
    const running = await startBroker(
      {
        port: 0,
        bugs: c.bugs ?? new Set(),
        offsetsTopicPartitions: SINGLE_NODE_OFFSETS_PARTITIONS,
        transactionStateTopicPartitions: SINGLE_NODE_TXN_STATE_PARTITIONS,
      },
      createLogger('broker', 'info', out),
    );
    const stop = withCleanup('stop the reference broker', async () => {
      await running.close();
      await new Promise<void>((resolve) => out.end(() => resolve()));
    });
    const faults = noFaults(
      'the in-process reference broker',
      'it runs inside kconform; faults start it as a process (run with --faults)',
    );
    return {
      spec,
      bootstrap: running.bootstrap,
      fresh: true,
      logFiles: [logFile],
      nodes: [{ id: running.broker.nodeId, bootstrap: running.bootstrap }],
      faults,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  },

  // the process cluster already waited for its nodes; these re-check what a run needs, cheaply
  waitStrategies: (_spec, c) => (asProcesses(c) ? [Wait.forMetadata(c.brokers)] : [Wait.forApiVersions()]),

  explainFailure(err) {
    if (
      err instanceof ReferenceStartError ||
      err instanceof PrerequisiteError ||
      err instanceof NetnsCommandError ||
      err instanceof RangeError
    )
      return new TargetUnavailableError(err.message);
    return undefined;
  },
};
