/**
 * The version matrix of 3-node clusters (run with KCONFORM_MATRIX=1): ZooKeeper mode on 3.9.2
 * and 2.7.0, KRaft on the older releases. Each cluster keeps every acknowledged record through a
 * kill -9 of the partition leader and of the active controller, and stops with no JVM left.
 */
import { describe, expect, it } from 'vitest';
import { startKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import type { KafkaMode } from '../../harness/kafka-dist/kafka-process.ts';
import { findActiveController, findPartitionLeader } from '../../harness/nemesis/node-roles.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { pollUntil } from '../netns/cluster-checks.ts';
import {
  consumeUntilSeen,
  createTopic,
  patientKafka,
  processesMentioning,
  produceAcknowledged,
} from './fault-checks.ts';

const MATRIX: readonly { version: string; mode: KafkaMode }[] = [
  { version: '3.9.2', mode: 'zookeeper' },
  { version: '2.7.0', mode: 'zookeeper' },
  { version: '3.9.2', mode: 'kraft' },
  { version: '4.3.1', mode: 'kraft' },
];

describe.runIf(process.env.KCONFORM_MATRIX === '1').each(MATRIX)(
  '3-node cluster, Kafka $version ($mode)',
  ({ version, mode }) => {
    it('keeps acknowledged records through kills of the leader and of the controller, then stops clean', async () => {
      const t0 = Date.now();
      await using cluster = await startKafkaCluster({ version, mode, brokers: 3 });
      console.log(`[kconform] ${cluster.label} ready in ${Date.now() - t0} ms`);
      const faults = new ProcessFaultControl(cluster);
      const kafka = patientKafka(cluster.bootstrap);
      const topic = uniqueTopic('matrix');
      await createTopic(kafka, { topic, numPartitions: 1, replicationFactor: 3 });
      const batch = (tag: string): string[] => Array.from({ length: 300 }, (_, i) => `${tag}-${i}`);
      const acked = await produceAcknowledged(kafka, topic, batch('a'));
      expect(acked).toHaveLength(300);

      for (const role of ['leader', 'controller'] as const) {
        // Right after the leader's kill and restart the quorum may still be electing (a combined node
        // can lead both): wait for a controller (or leader) to be known rather than read "none".
        const victim = await pollUntil(
          () => (role === 'leader' ? findPartitionLeader(cluster.nodes, topic) : findActiveController(cluster.nodes)),
          30_000,
        );
        expect([1, 2, 3]).toContain(victim);
        await faults.kill(victim!);
        acked.push(...(await produceAcknowledged(kafka, topic, batch(role))));
        const t1 = Date.now();
        await faults.restart(victim!);
        console.log(`[kconform] ${cluster.label}: ${role} node ${victim} restart -> serving in ${Date.now() - t1} ms`);
      }
      await cluster.waitReady(60_000);
      const read = await consumeUntilSeen(kafka, topic, acked);
      for (const v of acked) expect(read).toContain(v);

      await cluster.stop();
      expect(processesMentioning('java', cluster.dataDir)).toEqual([]);
    }, 600_000);
  },
);
