/**
 * Kafka's own Java client across a failover of the replicated reference cluster: the
 * VerifiableProducer (acks=all, idempotent) keeps writing while the partition leader is killed
 * and restarted, and the VerifiableConsumer of a group then reads every record it was told was
 * written. Both tools' JSON events become a history that the checkers judge.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifiableOutput, verifiableEventsToOps } from '../../app/clients/verifiable-history.ts';
import { javaDriver } from '../../app/clients/drivers/java-driver.ts';
import { runKafkaClass } from '../../harness/kafka-dist/kafka-tool.ts';
import { LATEST_KAFKA_VERSION, resolveKafka } from '../../harness/kafka-dist/resolve-kafka.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { waitForPartitionEverywhere } from '../helpers/cluster-state.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { createTopic, patientKafka } from '../targets/fault-checks.ts';

const RECORDS = 1_500;
const PER_SECOND = 150;

describe('Java clients across a leader failover of the reference cluster', () => {
  let scratch: string;
  let cluster: StartedReferenceProcesses;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kconform-java-failover-'));
    cluster = await startReferenceProcesses({
      brokers: 3,
      dataDir: join(scratch, 'cluster'),
      extraArgs: ['--replica-lag-time-max-ms', '2000', '--broker-session-timeout-ms', '4000'],
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('VerifiableProducer keeps writing through a leader kill -9, and VerifiableConsumer reads every acknowledged record', async () => {
    const dist = await resolveKafka(LATEST_KAFKA_VERSION);
    await javaDriver.prepare();
    const topic = uniqueTopic('java-failover');
    await createTopic(patientKafka(cluster.bootstrap), {
      topic,
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
    // createTopics returns once the controller has the topic; a node learns of it when it applies the record.
    const { leaderId: leader } = await waitForPartitionEverywhere(
      cluster.nodes,
      topic,
      'a leader',
      (p) => p.leaderId > 0,
    );

    const props = join(scratch, 'producer.properties');
    await writeFile(
      props,
      'enable.idempotence=true\nretries=2147483647\ndelivery.timeout.ms=60000\nrequest.timeout.ms=5000\n',
    );
    const producing = runKafkaClass(
      dist,
      'org.apache.kafka.tools.VerifiableProducer',
      [
        '--bootstrap-server',
        cluster.bootstrap,
        '--topic',
        topic,
        '--max-messages',
        String(RECORDS),
        '--throughput',
        String(PER_SECOND),
        '--acks',
        '-1',
        '--value-prefix',
        '7',
        '--command-config',
        props,
      ],
      { timeoutMs: 120_000 },
    );
    const faults = new ProcessFaultControl(cluster);
    await sleep(3_000);
    const killedAt = Date.now();
    await faults.kill(leader);
    await sleep(2_000);
    await faults.restart(leader);
    const produced = await producing;
    expect(produced.code, produced.stderr.slice(-2_000)).toBe(0);

    const { events } = parseVerifiableOutput(produced.stdout);
    const acked = events.filter((e) => e.name === 'producer_send_success').map((e) => String(e.value));
    const ackedAfterKill = events.filter((e) => e.name === 'producer_send_success' && Number(e.timestamp) > killedAt);
    expect(acked.length).toBeGreaterThan(RECORDS * 0.9);
    expect(ackedAfterKill.length, 'the producer wrote on after the failover').toBeGreaterThan(0);
    expect(new Set(acked).size).toBe(acked.length);

    const consumed = await javaDriver.consume({
      bootstrap: cluster.bootstrap,
      topic,
      group: `${topic}-readers`,
      count: acked.length,
      commit: true,
      timeoutMs: 60_000,
    });
    const read = consumed.records.map((r) => r.value);
    const missing = acked.filter((v) => !read.includes(v));
    expect(missing, `acknowledged but not read: ${missing.slice(0, 5).join(', ')}`).toEqual([]);
    expect(new Set(read).size, 'no record read twice').toBe(read.length);
    // the events as a history: every producer op is well formed for the checkers
    expect(
      verifiableEventsToOps(events, { process: 'java' }).filter((o) => o.f === 'send' && o.type === 'ok'),
    ).toHaveLength(acked.length);
  }, 240_000);
});
