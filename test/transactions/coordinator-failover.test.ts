/**
 * Transaction coordinator failover (issue 15) on the 3-node reference cluster and a 3-node Kafka
 * 4.4.0 cluster, the same raw sequence on both (coordinator-failover-observe.ts): the coordinator
 * of four transactional ids is killed (kill -9) right after acknowledging one's commit, while the
 * other three have transactions open; the new leader of their `__transaction_state` partition
 * loads the state and finishes the commit, a client's commit and abort of the open ones succeed
 * after the retriable errors Kafka's producer retries, a restarted producer fences and aborts the
 * third, and read_committed then shows the committed transactions whole and nothing of the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failoverTimingProperties } from '../../harness/kafka-dist/cluster-properties.ts';
import { startKafkaCluster, type StartedKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { FAILOVER_TIMINGS } from '../../scenarios/failover-faults.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { observeCoordinatorFailover, RETRIABLE } from './coordinator-failover-observe.ts';

let kafka: StartedKafkaCluster;
let reference: StartedReferenceProcesses;

beforeAll(async () => {
  [kafka, reference] = await Promise.all([
    startKafkaCluster({
      version: LATEST_KAFKA_VERSION,
      brokers: 3,
      serverProperties: failoverTimingProperties(FAILOVER_TIMINGS),
    }),
    startReferenceProcesses({
      brokers: 3,
      extraArgs: [
        '--broker-session-timeout-ms',
        String(FAILOVER_TIMINGS.brokerSessionTimeoutMs),
        '--replica-lag-time-max-ms',
        String(FAILOVER_TIMINGS.replicaLagTimeMaxMs),
      ],
    }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([kafka?.stop(), reference?.stop()]);
}, 120_000);

describe(`transaction coordinator failover: 3-node reference cluster vs Kafka ${LATEST_KAFKA_VERSION}`, () => {
  it('a new coordinator finishes the acknowledged commit, serves the open transactions, and read_committed shows only the committed ones whole', async () => {
    const topic = uniqueTopic('txn-failover');
    const on = (cluster: StartedKafkaCluster | StartedReferenceProcesses) => {
      const faults = new ProcessFaultControl(cluster);
      return observeCoordinatorFailover({ nodes: cluster.nodes, kill: (id) => faults.kill(id) }, topic);
    };
    const [ref, real] = await Promise.all([on(reference), on(kafka)]);
    console.log(`[kconform] coordinator failover, reference: ${JSON.stringify(ref)}`);
    console.log(`[kconform] coordinator failover, kafka: ${JSON.stringify(real)}`);
    // what carries the meaning, on the reference, so both being wrong alike cannot pass
    expect(ref.oneCoordinator).toBe(1);
    expect(ref.newCoordinator).toBe(true);
    expect(ref.commitA).toEqual({ errorCode: 0, epoch: 1 });
    expect(ref.commitB).toEqual({ errorCode: 0, epoch: 1 });
    expect(ref.abortD).toEqual({ errorCode: 0, epoch: 1 });
    expect(ref.finalStates).toEqual({ a: 'CompleteCommit', b: 'CompleteCommit', c: 'Empty', d: 'CompleteAbort' });
    expect(ref.readCommitted).toEqual([
      ['a0', 'b0'],
      ['a1', 'b1'],
      ['a2', 'b2'],
    ]);
    expect(ref.readUncommitted).toEqual([0, 1, 2].map((p) => ['a', 'b', 'c', 'd'].map((x) => `${x}${p}`)));
    // the retries met depend on timing; each must be one Kafka's producer retries
    const allowed = new Set([...RETRIABLE.values(), 'connection failed']);
    for (const seen of [ref, real])
      for (const retried of Object.values(seen.retried as Record<string, string[]>))
        for (const r of retried) expect(allowed).toContain(r);
    const { retried: _r1, statesAAfterKill: _s1, ...refSame } = ref;
    const { retried: _r2, statesAAfterKill: _s2, ...realSame } = real;
    for (const key of new Set([...Object.keys(refSame), ...Object.keys(realSame)]))
      expect([key, refSame[key]]).toEqual([key, realSame[key]]);
  }, 240_000);
});
