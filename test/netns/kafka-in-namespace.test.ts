/**
 * Real Apache Kafka (the default release, KRaft, single node) inside a lab node's namespace:
 * kafkajs on the host produces and consumes through the node's address; a client cut makes
 * the broker unreachable from the host, and healing brings it back with the data intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCount } from '../../harness/kafka-dist/metadata-probe.ts';
import { LATEST_KAFKA_VERSION, resolveKafka } from '../../harness/kafka-dist/resolve-kafka.ts';
import { startKafkaInNamespace, type NamespacedKafka } from '../../harness/netns/kafka-in-namespace.ts';
import { startNetworkLab, type NetworkLab } from '../../harness/netns/network-lab.ts';
import { tcpConnects } from '../../harness/netns/tcp-probe.ts';
import { consumeValues, produceValues } from '../kafka-dist/kafka-clients.ts';
import { processRunning } from '../kafka-dist/process-state.ts';
import { labLeftovers, netnsSkipReason } from './lab-support.ts';

const skip = netnsSkipReason();

describe.skipIf(skip)(`Kafka ${LATEST_KAFKA_VERSION} in a network namespace`, () => {
  let lab: NetworkLab;
  let kafka: NamespacedKafka;

  beforeAll(async () => {
    const dist = await resolveKafka(LATEST_KAFKA_VERSION);
    lab = await startNetworkLab({ nodes: 1 });
    const t0 = performance.now();
    kafka = await startKafkaInNamespace({ node: lab.node(1), version: LATEST_KAFKA_VERSION, dist, heap: '512m' });
    console.log(
      `Kafka ${LATEST_KAFKA_VERSION} ready in ${lab.node(1).namespace} at ${kafka.bootstrap} in ${Math.round(performance.now() - t0)} ms`,
    );
  }, 300_000);

  afterAll(async () => {
    const pid = kafka?.pid;
    await kafka?.stop();
    await lab?.destroy();
    if (pid) expect(processRunning(pid)).toBe(false);
    if (lab) expect(labLeftovers(lab)).toEqual([]);
  }, 60_000);

  it('listens on the namespace address, not on the host loopback', async () => {
    expect(kafka.bootstrap).toBe(`${lab.node(1).address}:9092`);
    expect(await tcpConnects('127.0.0.1', 9092, 500)).toBe(false);
  });

  it('round-trips records through kafkajs on the host, loses the host on cutClient and gets it back on heal', async () => {
    const topic = `netns-${Date.now()}`;
    await produceValues(kafka.bootstrap, topic, ['a', 'b']);
    expect(await consumeValues(kafka.bootstrap, topic, 2)).toEqual(['a', 'b']);

    await lab.cutClient(1);
    try {
      expect(await tcpConnects(lab.node(1).address, 9092, 1_500)).toBe(false);
      expect(await brokerCount(kafka.bootstrap, 2_000)).toBe(0);
      // The broker itself is untouched, only unreachable.
      expect(processRunning(kafka.pid)).toBe(true);
    } finally {
      await lab.healNetwork();
    }
    expect(await brokerCount(kafka.bootstrap, 5_000)).toBe(1);
    await produceValues(kafka.bootstrap, `${topic}-after`, ['c']);
    expect(await consumeValues(kafka.bootstrap, topic, 2)).toEqual(['a', 'b']);
    expect(await consumeValues(kafka.bootstrap, `${topic}-after`, 1)).toEqual(['c']);
  }, 120_000);
});
