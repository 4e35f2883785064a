/**
 * A follower killed with -9 and started again at once, as Kafka 4.4 handles it: the new
 * incarnation cannot register while the old one's session lasts (ClusterControlManager.
 * registerBroker: DUPLICATE_BROKER_REGISTRATION, "should self-resolve once the heartbeat manager
 * expires the broker's session"), but it replicates meanwhile — Kafka's BrokerServer installs the
 * metadata publishers, so ReplicaManager.applyDelta starts its follower fetchers, before the
 * controller acknowledges the registration. The old incarnation is still in the ISR, so the new
 * one's fetches move the high watermark and acks=all produces complete long before the session
 * ends. (Seed 11 of `run --target reference --brokers 3 --faults kill,pause,partition` timed
 * such a produce out on the reference cluster; Kafka 4.4.0 acknowledged it in 0.2 s.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceBody } from '../../harness/drivers/request-bodies.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { waitForPartitionEverywhere } from '../helpers/cluster-state.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { createTopic, patientKafka } from '../targets/fault-checks.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** Long enough that neither the leader's lag check nor the session expiry can take the killed follower out of the ISR during the produce. */
const SESSION_MS = 20_000;
const PRODUCE_TIMEOUT_MS = 15_000;

describe('a follower killed and restarted at once (reference cluster, 3 node processes)', () => {
  let scratch: string;
  let cluster: StartedReferenceProcesses;
  let faults: ProcessFaultControl;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kconform-follower-restart-'));
    cluster = await startReferenceProcesses({
      brokers: 3,
      dataDir: join(scratch, 'cluster'),
      startTimeoutMs: 60_000,
      extraArgs: ['--replica-lag-time-max-ms', String(SESSION_MS), '--broker-session-timeout-ms', String(SESSION_MS)],
    });
    faults = new ProcessFaultControl(cluster);
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('replicates before its registration is accepted: an acks=all produce completes while the old session still holds', async () => {
    const topic = uniqueTopic('follower-restart');
    await createTopic(patientKafka(cluster.bootstrap), {
      topic,
      replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }],
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
    await waitForPartitionEverywhere(
      cluster.nodes,
      topic,
      'node 1 leading a full ISR',
      (p) => p.leaderId === 1 && p.isr.length === 3,
    );

    await faults.kill(3);
    let serving = false;
    // The restarted node serves clients only once registered, i.e. after the old session expired.
    const restarting = faults.restart(3).then(() => (serving = true));
    restarting.catch(() => undefined);

    const leader = await RawClient.connect(cluster.nodes.find((n) => n.id === 1)!.bootstrap);
    try {
      const answer = await leader.request(
        ApiKey.Produce,
        9,
        produceBody(topic, buildRecordBatch([{ value: 'after-restart' }]), { acks: -1, timeoutMs: PRODUCE_TIMEOUT_MS }),
        PRODUCE_TIMEOUT_MS + 10_000,
      );
      expect(answer.responses[0]!.partitionResponses[0]!.errorCode, 'acks=all answered').toBe(ErrorCode.NONE);
      expect(serving, 'acknowledged before the restarted node could register').toBe(false);
    } finally {
      leader.close();
    }
    // Node 3 never left the ISR: the session had not expired, and its new incarnation caught up.
    const others = cluster.nodes.filter((n) => n.id !== 3);
    const p = await waitForPartitionEverywhere(others, topic, 'node 1 leading', (x) => x.leaderId === 1);
    expect([...p.isr].sort()).toEqual([1, 2, 3]);
  }, 60_000);
});
