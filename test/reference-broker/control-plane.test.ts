/**
 * Three control planes on loopback over real TCP: the metadata quorum elects a controller, a
 * topic is created through a follower, the controller's node is stopped, a new controller is
 * elected and fences it, its partitions move to ISR members, and the restarted node replays its
 * metadata from disk, re-registers, is unfenced and catches up by replication.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../reference-broker/logger.ts';
import {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControllerVoter,
} from '../../reference-broker/cluster/control-plane.ts';

const TIMINGS = {
  electionTimeoutMinMs: 300,
  electionTimeoutMaxMs: 600,
  heartbeatIntervalMs: 50,
  requestTimeoutMs: 200,
  brokerHeartbeatIntervalMs: 150,
  brokerSessionTimeoutMs: 1500,
  controllerRequestTimeoutMs: 5000,
};

const logger = process.env.KCONFORM_TEST_LOG ? createLogger('control-plane-test', 'debug') : silentLogger;
const root = mkdtempSync(join(tmpdir(), 'kconform-control-plane-'));
const running = new Map<number, ControlPlane>();

afterAll(async () => {
  for (const p of running.values()) await p.close();
  rmSync(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('control plane: three nodes over TCP', () => {
  it('fails over the controller, fences the stopped node, moves its leaderships within the ISR, and takes the node back', async () => {
    const voters: ControllerVoter[] = [];
    for (const id of [1, 2, 3]) voters.push({ id, host: '127.0.0.1', port: await freePort() });
    const optionsFor = (id: number): ControlPlaneOptions => ({
      nodeId: id,
      voters,
      controllerHost: '127.0.0.1',
      controllerPort: voters.find((v) => v.id === id)!.port,
      dataDir: join(root, `node-${id}`),
      brokerEndpoint: { host: '127.0.0.1', port: 19090 + id },
      logger,
      timings: TIMINGS,
    });
    for (const id of [1, 2, 3]) running.set(id, await startControlPlane(optionsFor(id)));
    const planes = () => [...running.values()];

    // 1. a controller is elected and every broker registers and is unfenced, on every node's image
    await waitFor('three unfenced brokers everywhere', () =>
      planes().every((p) => p.image.unfencedBrokers().length === 3 && !p.isFenced),
    );
    const controllerId = running.get(1)!.activeControllerId!;
    expect(planes().every((p) => p.activeControllerId === controllerId)).toBe(true);
    expect(
      planes()
        .filter((p) => p.isActiveController)
        .map((p) => p.nodeId),
    ).toEqual([controllerId]);

    // 2. a topic created through a node that is not the controller
    const follower = planes().find((p) => p.nodeId !== controllerId)!;
    const created = await follower.createTopic({ name: 'orders', numPartitions: 6, replicationFactor: 3 });
    expect(created.ok).toBe(true);
    const duplicate = await follower.createTopic({ name: 'orders', numPartitions: 1, replicationFactor: 1 });
    expect(duplicate).toMatchObject({ ok: false, errorCode: 36 }); // TOPIC_ALREADY_EXISTS
    await waitFor('the topic on every node', () =>
      planes().every((p) => p.image.topic('orders')?.partitions.length === 6),
    );
    const before = follower.image.topic('orders')!.partitions.map((p) => ({ ...p }));
    expect(before.filter((p) => p.leader === controllerId).length).toBe(2); // round-robin: each node leads 2 of 6
    const oldEpoch = follower.image.broker(controllerId)!.epoch;

    // 3. the controller's node stops
    await running.get(controllerId)!.close();
    running.delete(controllerId);

    // 4. the others elect a new controller, which fences the stopped node after its session timeout
    await waitFor('a new controller', () =>
      planes().every((p) => p.activeControllerId !== undefined && p.activeControllerId !== controllerId),
    );
    const newControllerId = planes()[0]!.activeControllerId!;
    expect(planes().every((p) => p.activeControllerId === newControllerId)).toBe(true);
    await waitFor('the stopped node fenced', () =>
      planes().every((p) => p.image.broker(controllerId)?.fenced === true),
    );
    await waitFor('leaders moved off the stopped node', () =>
      planes().every((p) =>
        p.image.topic('orders')!.partitions.every((r) => r.leader !== controllerId && !r.isr.includes(controllerId)),
      ),
    );
    const after = follower.image.topic('orders')!.partitions;
    after.forEach((r, i) => {
      const was = before[i]!;
      expect(r.replicas).toEqual(was.replicas);
      expect(r.isr).toContain(r.leader);
      if (was.leader === controllerId) {
        // the first replica, in assignment order, that is in the ISR and alive
        expect(r.leader).toBe(was.replicas.find((id) => id !== controllerId));
        expect(r.leaderEpoch).toBe(was.leaderEpoch + 1);
      } else {
        expect(r.leader).toBe(was.leader);
        expect(r.leaderEpoch).toBe(was.leaderEpoch);
      }
      expect(r.partitionEpoch).toBe(was.partitionEpoch + 1);
    });
    // the cluster still takes metadata changes with one node down
    expect((await follower.createTopic({ name: 'while-down', numPartitions: 2, replicationFactor: 2 })).ok).toBe(true);
    expect((await follower.createTopic({ name: 'too-wide', numPartitions: 1, replicationFactor: 3 })).ok).toBe(false);

    // 5. the node restarts on its data directory: its metadata is back from disk before any leader is heard
    const restarted = await startControlPlane(optionsFor(controllerId));
    running.set(controllerId, restarted);
    expect(restarted.image.topic('orders')?.partitions.length).toBe(6);
    expect(restarted.image.appliedIndex).toBeGreaterThan(0);

    // 6. it re-registers (a new epoch), is unfenced, and catches up on what it missed by replication
    await waitFor(
      'the restarted node unfenced',
      () => !restarted.isFenced && planes().every((p) => p.image.broker(controllerId)?.fenced === false),
    );
    expect(restarted.brokerEpoch).toBeGreaterThan(oldEpoch);
    expect(restarted.activeControllerId).toBe(newControllerId);
    await waitFor('the same image on every node', () => {
      const [a, ...rest] = planes().map((p) => JSON.stringify(p.image));
      return rest.every((x) => x === a);
    });
    expect(restarted.image.topic('while-down')?.partitions.length).toBe(2);
    const status = restarted.describe();
    expect(status).toMatchObject({
      nodeId: controllerId,
      leaderId: newControllerId,
      activeController: false,
      fenced: false,
    });
    expect(status.brokers.map((b) => b.fenced)).toEqual([false, false, false]);

    // 7. forwarded calls work from the restarted node too
    const pids = await restarted.allocateProducerIds();
    expect(pids).toMatchObject({ ok: true, value: { size: 1000 } });
  });
});

describe('control plane: without a quorum', () => {
  it('answers forwarded calls with a Kafka error code (not an exception) when no controller can be found, and closes idempotently', async () => {
    const voters: ControllerVoter[] = [];
    for (const id of [1, 2, 3]) voters.push({ id, host: '127.0.0.1', port: await freePort() });
    // only node 1 runs: no majority, no controller
    const lonely = await startControlPlane({
      nodeId: 1,
      voters,
      controllerHost: '127.0.0.1',
      controllerPort: voters[0]!.port,
      brokerEndpoint: { host: '127.0.0.1', port: 19191 },
      logger,
      // an explicit undefined (a config the caller did not set) keeps Kafka's default
      timings: { ...TIMINGS, controllerRequestTimeoutMs: 800, brokerSessionTimeoutMs: undefined },
    });
    try {
      const result = await lonely.createTopic({ name: 'x', numPartitions: 1, replicationFactor: 1 });
      expect(result.ok).toBe(false);
      expect([7, 41]).toContain((result as { errorCode: number }).errorCode); // REQUEST_TIMED_OUT or NOT_CONTROLLER
      expect(lonely.activeControllerId).toBeUndefined();
      expect(lonely.timings.brokerSessionTimeoutMs).toBe(9000);
      expect(lonely.isFenced).toBe(true);
      expect(lonely.describe()).toMatchObject({
        nodeId: 1,
        leaderId: undefined,
        activeController: false,
        appliedIndex: 0,
        brokers: [],
      });
    } finally {
      await lonely.close();
      await lonely.close();
    }
  });
});
