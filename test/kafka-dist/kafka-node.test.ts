/**
 * Real Apache Kafka single nodes started from the release jars: each supported release and
 * mode starts, serves a kafkajs producer and consumer, and passes the console round trip with
 * Kafka's own console tools; every process and temporary directory is gone afterwards.
 */
import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoundTrip } from '../../harness/kafka-dist/console-roundtrip.ts';
import { startKafkaNode, type KafkaMode, type StartedKafka } from '../../harness/kafka-dist/kafka-process.ts';
import { LATEST_KAFKA_VERSION, resolveKafka } from '../../harness/kafka-dist/resolve-kafka.ts';
import { consumeValues, produceValues } from './kafka-clients.ts';
import { processRunning } from './process-state.ts';

/** The record from the field report this check reproduces, byte for byte. */
const MMR_LINE =
  '{"datas":[{"channel":"","metric":"temperature","producer":"ijinus","sn":"IJA0101-00002245","time":"1543207156000","value":"80"}],"ver":"1.0"}';

// 4.3.1 (the release line before the newest) only with the version matrix: the default run keeps
// the newest, the last 3.x in both modes and the oldest supported
const cases: { version: string; mode: KafkaMode }[] = [
  { version: LATEST_KAFKA_VERSION, mode: 'kraft' },
  ...(process.env.KCONFORM_MATRIX === '1' ? [{ version: '4.3.1', mode: 'kraft' as const }] : []),
  { version: '3.9.2', mode: 'kraft' },
  { version: '3.9.2', mode: 'zookeeper' },
  { version: '2.7.0', mode: 'zookeeper' },
];

describe.each(cases)('Kafka $version ($mode)', ({ version, mode }) => {
  let node: StartedKafka;

  beforeAll(async () => {
    const dist = await resolveKafka(version);
    const t0 = performance.now();
    node = await startKafkaNode({ version, mode, dist });
    console.log(`Kafka ${version} (${mode}) ready in ${Math.round(performance.now() - t0)} ms at ${node.bootstrap}`);
  }, 300_000);

  afterAll(async () => {
    if (!node) return;
    const { pid, dataDir } = node;
    await node.stop();
    expect(processRunning(pid)).toBe(false);
    await expect(stat(dataDir)).rejects.toThrow();
  }, 60_000);

  it('answers on loopback with the configured mode', () => {
    expect(node.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(node.mode).toBe(mode);
    expect(processRunning(node.pid)).toBe(true);
    if (mode === 'kraft') expect(node.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    else expect(node.zookeeperConnect).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('round-trips a record through kafkajs', async () => {
    const value = `kafkajs-${version}-${mode}-${Date.now()}`;
    await produceValues(node.bootstrap, 'kafkajs-roundtrip', [value]);
    expect(await consumeValues(node.bootstrap, 'kafkajs-roundtrip', 1)).toEqual([value]);
  }, 120_000);

  it("round-trips the mmr line through Kafka's console producer and consumer", async () => {
    const t0 = performance.now();
    const r = await consoleRoundTrip(node.dist, node.bootstrap, 'mmr', [MMR_LINE]);
    console.log(`console round trip on ${version} (${mode}): ${Math.round(performance.now() - t0)} ms`);
    expect(r.producerCode, r.producerStderr).toBe(0);
    expect(r.consumerCode, r.consumerStderr).toBe(0);
    expect(r.printed).toEqual([MMR_LINE]);
    expect(r.consumerStderr).toContain('Processed a total of 1 messages');
  }, 180_000);
});
