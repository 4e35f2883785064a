/**
 * `reference`: the reference broker. In process when nothing needs it as processes (fastest,
 * nothing to install); as child processes for faults and clusters (`--faults`, `--brokers K`),
 * each node in its own network namespace when partitions are asked for.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../reference-broker/logger.ts';
import { startBroker } from '../../../reference-broker/server.ts';
import { LATEST_KAFKA_VERSION } from '../../kafka-dist/kafka-version.ts';
import { PrerequisiteError } from '../../kafka-dist/prerequisites.ts';
import { ProcessFaultControl } from '../../nemesis/process-faults.ts';
import { startClusterInLab } from '../../netns/lab-cluster.ts';
import { checkNetnsPrerequisites } from '../../netns/prerequisites.ts';
import { NetnsCommandError } from '../../netns/run-tool.ts';
import { ReferenceStartError, startReferenceProcesses } from '../reference-process.ts';
import { noFaults, processTarget, withCleanup } from '../started-handle.ts';
import { TargetSpecError, TargetUnavailableError, type StartContext, type StartedTarget, type TargetKind } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';

/** A parsed `reference` spec. */
export interface ReferenceSpec {
  readonly kind: 'reference';
}

/** The reference broker runs as processes (not in kconform's own) for faults and clusters: its nodes talk over the network. */
const asProcesses = (c: StartContext) => Boolean(c.faultable || c.network || c.brokers > 1);

/** The `reference` target kind. */
export const referenceKind: TargetKind<ReferenceSpec> = {
  name: 'reference',
  syntax: 'reference',
  help: 'the reference broker in this process (default; nothing to install); as processes with --faults or --brokers K',
  capabilities: {
    maxBrokers: 9,
    faults: ['kill', 'pause', 'partition', 'restart', 'rolling-restart', 'replication'],
    faultsNote: 'partition needs root, iproute2 and iptables (network namespaces)',
    knownBugs: true,
    nodeControl: false,
    networkLab: true,
    shrinkByDefault: true,
  },

  parse(arg, text) {
    if (arg !== undefined) throw new TargetSpecError(`bad target '${text}': expected reference (it takes no @ARG)`);
    return { kind: 'reference' };
  },

  // kconform holds the reference broker to the oracle's answers
  kafkaRelease: () => LATEST_KAFKA_VERSION,

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
      if (c.timings) extraArgs.push('--replica-lag-time-max-ms', String(c.timings.replicaLagTimeMaxMs), '--broker-session-timeout-ms', String(c.timings.brokerSessionTimeoutMs));
      const dataDir = join(c.runDir, 'reference');
      const brokers = c.brokers;
      if (c.network) {
        const lc = await startClusterInLab({ nodes: brokers }, (lab) => startReferenceProcesses({ brokers, dataDir, extraArgs, network: lab }));
        return processTarget(spec, lc.cluster, lc.faults, withCleanup('stop the reference broker processes and their network lab', () => lc.stop()));
      }
      const cluster = await startReferenceProcesses({ brokers, dataDir, extraArgs });
      return processTarget(spec, cluster, new ProcessFaultControl(cluster), withCleanup('stop the reference broker processes', () => cluster.stop()));
    }
    const logFile = join(c.runDir, 'reference-broker.log');
    const out = createWriteStream(logFile);
    const running = await startBroker({ port: 0, bugs: c.bugs ?? new Set() }, createLogger('broker', 'info', out));
    const stop = withCleanup('stop the reference broker', async () => {
      await running.close();
      await new Promise<void>((resolve) => out.end(() => resolve()));
    });
    const faults = noFaults('the in-process reference broker', 'it runs inside kconform; faults start it as a process (run with --faults)');
    return { spec, bootstrap: running.bootstrap, fresh: true, logFiles: [logFile], nodes: [{ id: running.broker.nodeId, bootstrap: running.bootstrap }], faults, stop, [Symbol.asyncDispose]: stop };
  },

  // the process cluster already waited for its nodes; these re-check what a run needs, cheaply
  waitStrategies: (_spec, c) => (asProcesses(c) ? [Wait.forMetadata(c.brokers)] : [Wait.forApiVersions()]),

  explainFailure(err) {
    if (err instanceof ReferenceStartError || err instanceof PrerequisiteError || err instanceof NetnsCommandError || err instanceof RangeError) return new TargetUnavailableError(err.message);
    return undefined;
  },
};
