/** Starts `kafka@…` targets: a Kafka cluster of local processes (in a network lab for partitions). */
import { join } from 'node:path';
import {
  KafkaResolveError,
  KafkaStartError,
  KafkaVersionNotFoundError,
  PrerequisiteError,
} from '../../kafka-dist/index.ts';
import { failoverTimingProperties } from '../../kafka-dist/cluster-properties.ts';
import { startKafkaCluster } from '../../kafka-dist/kafka-cluster.ts';
import { findJava } from '../../kafka-dist/prerequisites.ts';
import { ProcessFaultControl } from '../../nemesis/process-faults.ts';
import { startClusterInLab } from '../../netns/lab-cluster.ts';
import { checkNetnsPrerequisites } from '../../netns/prerequisites.ts';
import { NetnsCommandError } from '../../netns/run-tool.ts';
import { processTarget, withCleanup } from '../started-handle.ts';
import { TargetUnavailableError, type TargetBuilder } from '../target-kind.ts';
import { Wait } from '../wait-strategies.ts';
import type { KafkaSpec } from './kafka-kind.ts';

/** The builder of the `kafka` kind. */
export const kafkaBuilder: TargetBuilder<KafkaSpec> = {
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
    const serverProperties = c.timings
      ? failoverTimingProperties(c.timings, spec.zookeeper ? 'zookeeper' : 'kraft')
      : undefined;
    const options = {
      version: spec.version,
      brokers: c.brokers,
      mode: spec.zookeeper ? ('zookeeper' as const) : undefined,
      dataDir: join(c.runDir, 'kafka'),
      serverProperties,
    };
    if (c.network) {
      const lc = await startClusterInLab({ nodes: c.brokers }, (lab) =>
        startKafkaCluster({ ...options, network: lab }),
      );
      return processTarget(
        spec,
        lc.cluster,
        lc.faults,
        withCleanup(`stop Kafka ${spec.version} and its network lab`, () => lc.stop()),
      );
    }
    const cluster = await startKafkaCluster(options);
    return processTarget(
      spec,
      cluster,
      new ProcessFaultControl(cluster),
      withCleanup(`stop Kafka ${spec.version}`, () => cluster.stop()),
    );
  },

  // startKafkaCluster waits for Metadata listing every node and a controller; this re-checks it once
  waitStrategies: (_spec, c) => [Wait.forMetadata(c.brokers)],

  explainFailure(err) {
    // a release that does not exist is a wrong spec (exit 2): no install or retry helps
    if (err instanceof KafkaVersionNotFoundError) return new TargetUnavailableError(err.message, { badSpec: true });
    if (
      err instanceof PrerequisiteError ||
      err instanceof KafkaResolveError ||
      err instanceof KafkaStartError ||
      err instanceof NetnsCommandError ||
      err instanceof RangeError
    )
      return new TargetUnavailableError(err.message);
    return undefined;
  },
};
