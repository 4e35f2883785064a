/**
 * The controller's rules, on a real single-voter Raft node (commits at once) and a fake clock
 * for broker sessions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { FakeClock } from '../groups/fake-clock.ts';
import { Controller, type ControllerOptions, type ControllerResult } from './controller.ts';
import { MetadataImage } from './metadata-image.ts';
import type { MetadataRecord } from './metadata-records.ts';
import { RaftNode } from './raft/raft-node.ts';

const SESSION_MS = 1000;
/** A registration without eligible leader replicas (KIP-966). */
const NO_ELR = { elr: [], lastKnownElr: [] };
const nodes: RaftNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.close();
});

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function value<T>(r: ControllerResult<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.errorCode}: ${r.message}`);
  return r.value;
}

function errorOf<T>(r: ControllerResult<T>): number {
  if (r.ok) throw new Error('expected an error');
  return r.errorCode;
}

async function setup(options: Partial<ControllerOptions> = {}) {
  const image = new MetadataImage();
  const raft = new RaftNode({ id: 0, voters: [{ id: 0 }], transport: { send() {} }, noopEntry: [{ type: 'noop' }] });
  nodes.push(raft);
  raft.on('commit', (data, index) => image.apply(data as MetadataRecord[], index));
  raft.start();
  const clock = new FakeClock(0);
  const make = () =>
    new Controller({
      image,
      propose: (r) => raft.propose(r),
      clock,
      random: () => 0,
      brokerSessionTimeoutMs: SESSION_MS,
      ...options,
    });
  const controller = make();
  controller.activate();
  const epochs = new Map<number, number>();

  /** Registers brokers 1..n and unfences them with a heartbeat. */
  async function brokers(n: number) {
    for (let id = 1; id <= n; id++) {
      const { brokerEpoch } = value(
        await controller.registerBroker({ id, host: '127.0.0.1', port: 9090 + id, incarnationId: `inc-${id}` }),
      );
      epochs.set(id, brokerEpoch);
      expect(value(await controller.heartbeat({ id, epoch: brokerEpoch }))).toEqual({ fenced: false });
    }
  }

  /** Moves time by `ms`; only `alive` brokers heartbeat meanwhile. */
  async function passTime(ms: number, alive: number[]) {
    for (let t = 0; t < ms; t += 100) {
      for (const id of alive) await controller.heartbeat({ id, epoch: epochs.get(id)! });
      clock.advance(100);
      await flush();
    }
    await flush();
  }

  return { image, raft, clock, controller, epochs, brokers, passTime, make };
}

describe('controller: brokers', () => {
  it('registers brokers fenced, with growing epochs, and unfences them on heartbeat', async () => {
    const { controller, image } = await setup();
    const a = value(await controller.registerBroker({ id: 1, host: 'h', port: 1, incarnationId: 'x' }));
    const b = value(await controller.registerBroker({ id: 2, host: 'h', port: 2, incarnationId: 'y' }));
    expect(b.brokerEpoch).toBeGreaterThan(a.brokerEpoch);
    expect(image.broker(1)?.fenced).toBe(true);
    expect(value(await controller.heartbeat({ id: 1, epoch: a.brokerEpoch }))).toEqual({ fenced: false });
    expect(image.broker(1)?.fenced).toBe(false);
    // a retried registration of the same process changes nothing
    expect(value(await controller.registerBroker({ id: 1, host: 'h', port: 1, incarnationId: 'x' }))).toEqual(a);
  });

  it('answers heartbeats with a stale epoch or from unknown brokers with Kafka errors', async () => {
    const { controller, brokers, epochs } = await setup();
    await brokers(1);
    expect(errorOf(await controller.heartbeat({ id: 1, epoch: epochs.get(1)! - 1 }))).toBe(
      ErrorCode.STALE_BROKER_EPOCH,
    );
    expect(errorOf(await controller.heartbeat({ id: 7, epoch: 1 }))).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
  });

  it('keeps a broker fenced until it has applied its own registration', async () => {
    const { controller } = await setup();
    const { brokerEpoch } = value(await controller.registerBroker({ id: 1, host: 'h', port: 1, incarnationId: 'x' }));
    expect(value(await controller.heartbeat({ id: 1, epoch: brokerEpoch, metadataOffset: brokerEpoch - 1 }))).toEqual({
      fenced: true,
    });
    expect(value(await controller.heartbeat({ id: 1, epoch: brokerEpoch, metadataOffset: brokerEpoch }))).toEqual({
      fenced: false,
    });
  });

  it('refuses a new process under a live registration, accepts it once the old session expired', async () => {
    const { controller, brokers, passTime } = await setup();
    await brokers(2);
    const again = await controller.registerBroker({ id: 1, host: '127.0.0.1', port: 9091, incarnationId: 'new' });
    expect(errorOf(again)).toBe(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
    await passTime(SESSION_MS + 300, [2]);
    expect(
      value(await controller.registerBroker({ id: 1, host: '127.0.0.1', port: 9091, incarnationId: 'new' }))
        .brokerEpoch,
    ).toBeGreaterThan(0);
  });

  it('lets the broker of its own process (combined mode) replace a live registration at once, and only that one', async () => {
    // A restarted single node: its controller replays the old registration, gives it a fresh
    // session on activation, and its broker registers under a new incarnation.
    const { controller, brokers, image } = await setup({ localBroker: { id: 1, incarnationId: 'restarted' } });
    await brokers(2);
    const old = image.broker(1)!.epoch;
    expect(
      errorOf(await controller.registerBroker({ id: 2, host: '127.0.0.1', port: 9092, incarnationId: 'restarted' })),
    ).toBe(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
    expect(
      errorOf(await controller.registerBroker({ id: 1, host: '127.0.0.1', port: 9091, incarnationId: 'other' })),
    ).toBe(ErrorCode.DUPLICATE_BROKER_REGISTRATION);
    const { brokerEpoch } = value(
      await controller.registerBroker({ id: 1, host: '127.0.0.1', port: 9191, incarnationId: 'restarted' }),
    );
    expect(brokerEpoch).toBeGreaterThan(old);
    expect(image.broker(1)).toMatchObject({ port: 9191, fenced: true });
  });

  it('fences a broker after the session timeout and a newly active controller gives everyone a fresh session', async () => {
    const { controller, image, brokers, passTime, clock, make } = await setup();
    await brokers(3);
    await passTime(SESSION_MS + 300, [2, 3]);
    expect(image.broker(1)?.fenced).toBe(true);
    expect(image.broker(2)?.fenced).toBe(false);
    // failover: the old controller stops, time passes without any heartbeat, a new one starts
    controller.deactivate();
    clock.advance(5 * SESSION_MS);
    const next = make();
    next.activate();
    clock.advance(SESSION_MS / 2);
    await flush();
    expect(image.broker(2)?.fenced).toBe(false);
    clock.advance(SESSION_MS);
    await flush();
    await flush();
    expect(image.broker(2)?.fenced).toBe(true);
    next.deactivate();
  });

  it('answers NOT_CONTROLLER while inactive', async () => {
    const { controller } = await setup();
    controller.deactivate();
    expect(errorOf(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1 }))).toBe(
      ErrorCode.NOT_CONTROLLER,
    );
    expect(errorOf(await controller.heartbeat({ id: 1, epoch: 1 }))).toBe(ErrorCode.NOT_CONTROLLER);
  });
});

describe('controller: topics', () => {
  it('places replicas round-robin over unfenced brokers; leader first replica, ISR all, epochs 0', async () => {
    const { controller, brokers, image } = await setup();
    await brokers(3);
    const topic = value(
      await controller.createTopic({
        name: 't',
        numPartitions: 4,
        replicationFactor: 2,
        configs: { 'retention.ms': '100' },
      }),
    );
    expect(topic.partitions).toEqual([
      { replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0, ...NO_ELR },
      { replicas: [2, 3], isr: [2, 3], leader: 2, leaderEpoch: 0, partitionEpoch: 0, ...NO_ELR },
      { replicas: [3, 1], isr: [3, 1], leader: 3, leaderEpoch: 0, partitionEpoch: 0, ...NO_ELR },
      { replicas: [1, 2], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 0, ...NO_ELR },
    ]);
    expect(image.topicById(topic.id)?.configs).toEqual({ 'retention.ms': '100' });
  });

  it('refuses what Kafka refuses, with its codes and messages', async () => {
    const { controller, brokers } = await setup();
    await brokers(2);
    const tooMany = await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 3 });
    expect(tooMany).toMatchObject({ ok: false, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR });
    expect((tooMany as { message: string }).message).toBe(
      'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.',
    );
    expect(errorOf(await controller.createTopic({ name: 'bad name', numPartitions: 1, replicationFactor: 1 }))).toBe(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
    expect(errorOf(await controller.createTopic({ name: 't', numPartitions: 0, replicationFactor: 1 }))).toBe(
      ErrorCode.INVALID_PARTITIONS,
    );
    expect(
      errorOf(
        await controller.createTopic({
          name: 't',
          numPartitions: 1,
          replicationFactor: 1,
          configs: { 'no.such': '1' },
        }),
      ),
    ).toBe(ErrorCode.INVALID_CONFIG);
    value(await controller.createTopic({ name: 'a.b', numPartitions: 1, replicationFactor: 1 }));
    expect(errorOf(await controller.createTopic({ name: 'a.b', numPartitions: 1, replicationFactor: 1 }))).toBe(
      ErrorCode.TOPIC_ALREADY_EXISTS,
    );
    expect(errorOf(await controller.createTopic({ name: 'a_b', numPartitions: 1, replicationFactor: 1 }))).toBe(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
  });

  it('counts only unfenced brokers for the replication factor', async () => {
    const { controller, brokers, passTime } = await setup();
    await brokers(3);
    await passTime(SESSION_MS + 300, [1, 2]);
    expect(errorOf(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 3 }))).toBe(
      ErrorCode.INVALID_REPLICATION_FACTOR,
    );
  });

  it('deletes topics', async () => {
    const { controller, brokers, image } = await setup();
    await brokers(1);
    const { id } = value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1 }));
    expect(value(await controller.deleteTopic('t'))).toEqual({ id });
    expect(image.topic('t')).toBeUndefined();
    expect(errorOf(await controller.deleteTopic('t'))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('hands out producer id blocks that never overlap', async () => {
    const { controller, brokers, epochs } = await setup();
    await brokers(2);
    expect(value(await controller.allocateProducerIds({ brokerId: 1, brokerEpoch: epochs.get(1) }))).toEqual({
      firstId: 0,
      size: 1000,
    });
    expect(value(await controller.allocateProducerIds({ brokerId: 2 }))).toEqual({ firstId: 1000, size: 1000 });
    expect(errorOf(await controller.allocateProducerIds({ brokerId: 2, brokerEpoch: 1 }))).toBe(
      ErrorCode.STALE_BROKER_EPOCH,
    );
  });
});

describe('controller: leader election on fencing', () => {
  it('elects from the ISR in replica order, bumps both epochs and drops the fenced broker from every ISR', async () => {
    const { controller, brokers, passTime, image } = await setup();
    await brokers(3);
    value(await controller.createTopic({ name: 't', numPartitions: 3, replicationFactor: 3 }));
    // replicas: p0 [1,2,3], p1 [2,3,1], p2 [3,1,2]
    await passTime(SESSION_MS + 300, [2, 3]);
    expect(image.partition('t', 0)).toEqual({
      replicas: [1, 2, 3],
      isr: [2, 3],
      leader: 2,
      leaderEpoch: 1,
      partitionEpoch: 1,
      ...NO_ELR,
    });
    // followers' ISRs shrink without a leader change
    expect(image.partition('t', 1)).toEqual({
      replicas: [2, 3, 1],
      isr: [2, 3],
      leader: 2,
      leaderEpoch: 0,
      partitionEpoch: 1,
      ...NO_ELR,
    });
    expect(image.partition('t', 2)).toEqual({
      replicas: [3, 1, 2],
      isr: [3, 2],
      leader: 3,
      leaderEpoch: 0,
      partitionEpoch: 1,
      ...NO_ELR,
    });
  });

  it('never elects outside the ISR: with no eligible ISR member the partition goes offline, its last ISR member in the ELR and last known ELR', async () => {
    const { controller, brokers, passTime, image, epochs } = await setup();
    await brokers(3);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 3 }));
    const p = image.partition('t', 0)!;
    value(
      await controller.alterPartition({
        brokerId: 1,
        brokerEpoch: epochs.get(1)!,
        topic: 't',
        partition: 0,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr: [1],
      }),
    );
    await passTime(SESSION_MS + 300, [2, 3]);
    // Kafka 4.4.0 with ELR: the ISR becomes empty, the fenced leader is eligible (ELR) and the last known leader
    expect(image.partition('t', 0)).toEqual({
      replicas: [1, 2, 3],
      isr: [],
      leader: -1,
      leaderEpoch: 1,
      partitionEpoch: 2,
      elr: [1],
      lastKnownElr: [1],
    });
    // the last in-sync replica comes back: it leads again
    await passTime(200, [1, 2, 3]);
    expect(image.broker(1)?.fenced).toBe(false);
    expect(image.partition('t', 0)).toEqual({
      replicas: [1, 2, 3],
      isr: [1],
      leader: 1,
      leaderEpoch: 2,
      partitionEpoch: 3,
      ...NO_ELR,
    });
  });

  it('a fenced broker that is the only ISR member of a partition it does not lead changes nothing', async () => {
    const { controller, brokers, passTime, image } = await setup();
    await brokers(2);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 2 }));
    await passTime(SESSION_MS + 300, [2]); // 1 fenced: p0 [1,2] → leader 2, ISR [2]
    await passTime(SESSION_MS + 300, []); // 2 fenced too: offline, ISR empty, 2 eligible (ELR) and the last known leader
    const offline = image.partition('t', 0)!;
    expect(offline).toMatchObject({ leader: -1, isr: [], elr: [2], lastKnownElr: [2] });
    expect(value(await controller.fenceBroker(2))).toEqual({ fenced: true });
    expect(image.partition('t', 0)).toEqual(offline);
  });

  it('with unclean.leader.election.enable=true on the topic, elects an out-of-sync replica and makes it the whole ISR', async () => {
    const { controller, brokers, passTime, image, epochs } = await setup();
    await brokers(3);
    value(
      await controller.createTopic({
        name: 'u',
        numPartitions: 1,
        replicationFactor: 3,
        configs: { 'unclean.leader.election.enable': 'true' },
      }),
    );
    const p = image.partition('u', 0)!;
    value(
      await controller.alterPartition({
        brokerId: 1,
        brokerEpoch: epochs.get(1)!,
        topic: 'u',
        partition: 0,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr: [1],
      }),
    );
    await passTime(SESSION_MS + 300, [2, 3]);
    expect(image.partition('u', 0)).toEqual({
      replicas: [1, 2, 3],
      isr: [2],
      leader: 2,
      leaderEpoch: 1,
      partitionEpoch: 2,
      ...NO_ELR,
    });
  });

  it('the controller default enables unclean election for topics without the config; offline partitions take an unfenced replica when it returns', async () => {
    const { controller, brokers, passTime, image, epochs } = await setup({ uncleanLeaderElectionEnable: true });
    await brokers(2);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 2 }));
    const p = image.partition('t', 0)!;
    value(
      await controller.alterPartition({
        brokerId: 1,
        brokerEpoch: epochs.get(1)!,
        topic: 't',
        partition: 0,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
        newIsr: [1],
      }),
    );
    await passTime(SESSION_MS + 300, [1]); // 2 fenced: not in the ISR, nothing to elect
    expect(image.partition('t', 0)).toMatchObject({ leader: 1, isr: [1] });
    await passTime(SESSION_MS + 300, []); // 1 fenced too, no replica eligible: offline, ISR empty, 1 in the ELR
    expect(image.partition('t', 0)).toMatchObject({ leader: -1, isr: [], elr: [1] });
    await passTime(200, [2]); // only the out-of-sync replica returns: unclean election, which clears the ELR
    expect(image.partition('t', 0)).toMatchObject({ leader: 2, isr: [2], elr: [], lastKnownElr: [] });
  });
});

describe('controller: alterPartition', () => {
  async function withTopic() {
    const s = await setup();
    await s.brokers(3);
    value(await s.controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 3 }));
    const p = s.image.partition('t', 0)!;
    const base = {
      brokerId: 1,
      brokerEpoch: s.epochs.get(1)!,
      topic: 't',
      partition: 0,
      leaderEpoch: p.leaderEpoch,
      partitionEpoch: p.partitionEpoch,
      newIsr: [1, 2],
    };
    return { ...s, base };
  }

  it('commits a new ISR with partitionEpoch+1 and the same leader epoch', async () => {
    const { controller, base, image } = await withTopic();
    const next = value(await controller.alterPartition(base));
    expect(next).toEqual({ replicas: [1, 2, 3], isr: [1, 2], leader: 1, leaderEpoch: 0, partitionEpoch: 1, ...NO_ELR });
    expect(image.partition('t', 0)).toEqual(next);
    // and expands again
    expect(value(await controller.alterPartition({ ...base, partitionEpoch: 1, newIsr: [1, 2, 3] })).isr).toEqual([
      1, 2, 3,
    ]);
  });

  it('refuses with Kafka codes: stale broker epoch, fenced leader epoch, stale partition epoch, bad ISRs, not the leader', async () => {
    const { controller, base, passTime } = await withTopic();
    expect(errorOf(await controller.alterPartition({ ...base, brokerEpoch: base.brokerEpoch - 1 }))).toBe(
      ErrorCode.STALE_BROKER_EPOCH,
    );
    expect(errorOf(await controller.alterPartition({ ...base, leaderEpoch: 5 }))).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect(errorOf(await controller.alterPartition({ ...base, partitionEpoch: 7 }))).toBe(
      ErrorCode.INVALID_UPDATE_VERSION,
    );
    expect(errorOf(await controller.alterPartition({ ...base, newIsr: [2, 3] }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(await controller.alterPartition({ ...base, newIsr: [1, 9] }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(await controller.alterPartition({ ...base, newIsr: [] }))).toBe(ErrorCode.INVALID_REQUEST);
    expect(errorOf(await controller.alterPartition({ ...base, topic: 'nope' }))).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    await passTime(SESSION_MS + 300, [1, 2]); // broker 3 fenced (and dropped from the ISR: partition epoch 1)
    expect(errorOf(await controller.alterPartition({ ...base, partitionEpoch: 1, newIsr: [1, 2, 3] }))).toBe(
      ErrorCode.INELIGIBLE_REPLICA,
    );
  });

  it('refuses a broker that is not the leader', async () => {
    const { controller, base, epochs } = await withTopic();
    expect(errorOf(await controller.alterPartition({ ...base, brokerId: 2, brokerEpoch: epochs.get(2)! }))).toBe(
      ErrorCode.INVALID_REQUEST,
    );
  });
});

describe('controller: eligible leader replicas (KIP-966)', () => {
  it('AlterPartition below the topic min.insync.replicas fills the ELR; back at it, the ELR is cleared', async () => {
    const { controller, brokers, image, epochs } = await setup();
    await brokers(3);
    value(
      await controller.createTopic({
        name: 't',
        numPartitions: 1,
        replicationFactor: 3,
        configs: { 'min.insync.replicas': '3' },
      }),
    );
    const p = image.partition('t', 0)!;
    const base = { brokerId: 1, brokerEpoch: epochs.get(1)!, topic: 't', partition: 0, leaderEpoch: p.leaderEpoch };
    expect(value(await controller.alterPartition({ ...base, partitionEpoch: 0, newIsr: [1, 2] }))).toMatchObject({
      isr: [1, 2],
      elr: [3],
      leader: 1,
      leaderEpoch: 0,
    });
    expect(image.partition('t', 0)).toMatchObject({ elr: [3] });
    expect(value(await controller.alterPartition({ ...base, partitionEpoch: 1, newIsr: [1, 2, 3] }))).toMatchObject({
      isr: [1, 2, 3],
      elr: [],
    });
  });

  it('the cluster default min.insync.replicas counts for topics without the config', async () => {
    const { controller, brokers, image, epochs } = await setup({ minInsyncReplicas: 2 });
    await brokers(3);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 3 }));
    const p = image.partition('t', 0)!;
    expect(
      value(
        await controller.alterPartition({
          brokerId: 1,
          brokerEpoch: epochs.get(1)!,
          topic: 't',
          partition: 0,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: 0,
          newIsr: [1],
        }),
      ),
    ).toMatchObject({ elr: [2, 3] });
  });

  it('a fenced sole ISR member (short of min ISR) hands leadership to the ELR: the first ELR replica leads, is the ISR, and the fenced one stays eligible', async () => {
    const { controller, brokers, image, epochs, passTime } = await setup();
    await brokers(3);
    value(
      await controller.createTopic({
        name: 't',
        numPartitions: 1,
        replicationFactor: 3,
        configs: { 'min.insync.replicas': '2' },
      }),
    );
    const p = image.partition('t', 0)!;
    value(
      await controller.alterPartition({
        brokerId: 1,
        brokerEpoch: epochs.get(1)!,
        topic: 't',
        partition: 0,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: 0,
        newIsr: [1],
      }),
    );
    expect(image.partition('t', 0)).toMatchObject({ isr: [1], elr: [2, 3] });
    await passTime(SESSION_MS + 300, [2, 3]);
    expect(image.partition('t', 0)).toMatchObject({ leader: 2, isr: [2], leaderEpoch: 1, lastKnownElr: [] });
    expect([...image.partition('t', 0)!.elr!].sort()).toEqual([1, 3]);
  });

  it('every replica fenced: the ISR empties, the last leader is the last known ELR, and the first ELR member back leads', async () => {
    const { controller, brokers, image, epochs, passTime } = await setup();
    await brokers(2);
    value(
      await controller.createTopic({
        name: 't',
        numPartitions: 1,
        replicationFactor: 2,
        configs: { 'min.insync.replicas': '2' },
      }),
    );
    const p = image.partition('t', 0)!;
    value(
      await controller.alterPartition({
        brokerId: 1,
        brokerEpoch: epochs.get(1)!,
        topic: 't',
        partition: 0,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: 0,
        newIsr: [1],
      }),
    );
    await passTime(SESSION_MS + 300, [2]); // 1 fenced: 2 (ELR) leads
    expect(image.partition('t', 0)).toMatchObject({ leader: 2, isr: [2], elr: [1] });
    await passTime(SESSION_MS + 300, []); // 2 fenced too
    expect(image.partition('t', 0)).toMatchObject({ leader: -1, isr: [], lastKnownElr: [2] });
    expect([...image.partition('t', 0)!.elr!].sort()).toEqual([1, 2]);
    await passTime(200, [1]); // 1 returns: it is in the ELR, so it leads cleanly
    expect(image.partition('t', 0)).toMatchObject({ leader: 1, isr: [1], elr: [2], lastKnownElr: [] });
  });
});

describe('controller: topic configs and partitions (AlterConfigs, CreatePartitions)', () => {
  it('applies incremental changes to the committed configs; validate-only and no-op changes commit nothing', async () => {
    const { controller, image, brokers, raft } = await setup();
    await brokers(1);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1 }));
    const set = (name: string, v: string | null, op = 0) => ({ name, op, value: v });
    value(await controller.alterTopicConfigs({ name: 't', changes: [set('retention.ms', '1000')] }));
    expect(image.topic('t')?.configs).toEqual({ 'retention.ms': '1000' });
    value(await controller.alterTopicConfigs({ name: 't', changes: [set('cleanup.policy', 'compact', 2)] }));
    expect(image.topic('t')?.configs).toEqual({ 'retention.ms': '1000', 'cleanup.policy': 'delete,compact' });
    const before = raft.lastIndex;
    value(
      await controller.alterTopicConfigs({ name: 't', changes: [set('segment.bytes', '2000000')], validateOnly: true }),
    );
    value(await controller.alterTopicConfigs({ name: 't', changes: [set('flush.ms', null, 1)] }));
    expect(raft.lastIndex).toBe(before);
    value(await controller.alterTopicConfigs({ name: 't', changes: [set('segment.bytes', '2000000')], replace: true }));
    expect(image.topic('t')?.configs).toEqual({ 'segment.bytes': '2000000' });
  });

  it('refuses in Kafka 4.4.0 order: the operation, the name, the resulting configs, then the topic', async () => {
    const { controller, brokers } = await setup();
    await brokers(1);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 1 }));
    const alter = async (name: string, changes: { name: string; op: number; value: string | null }[]) => {
      const r = await controller.alterTopicConfigs({ name, changes });
      return r.ok ? 'ok' : `${r.errorCode} ${r.message}`;
    };
    expect(await alter('t', [{ name: 'retention.ms', op: 2, value: '5' }])).toBe(
      `${ErrorCode.INVALID_CONFIG} Can't APPEND to key retention.ms because its type is not LIST.`,
    );
    expect(await alter('', [])).toBe(`${ErrorCode.INVALID_REQUEST} Default topic resources are not allowed.`);
    expect(await alter('nope', [{ name: 'retention.ms', op: 0, value: 'abc' }])).toBe(
      `${ErrorCode.INVALID_CONFIG} Invalid value abc for configuration retention.ms: Not a number of type LONG`,
    );
    expect(await alter('nope', [{ name: 'retention.ms', op: 0, value: '5' }])).toBe(
      `${ErrorCode.UNKNOWN_TOPIC_OR_PARTITION} The topic 'nope' does not exist.`,
    );
    expect(await alter('t', [{ name: 'retention.ms', op: 7, value: '5' }])).toBe(
      `${ErrorCode.UNKNOWN_SERVER_ERROR} null`,
    );
  });

  it('adds partitions placed round-robin over unfenced brokers with the topic replication factor, or as assigned', async () => {
    const { controller, image, brokers } = await setup();
    await brokers(3);
    value(await controller.createTopic({ name: 't', numPartitions: 1, replicationFactor: 2 }));
    value(await controller.createPartitions({ name: 't', count: 3 }));
    const t = image.topic('t')!;
    expect(t.partitions.map((p) => p.replicas)).toEqual([
      [1, 2],
      [1, 2],
      [2, 3],
    ]);
    expect(t.partitions[2]).toMatchObject({ isr: [2, 3], leader: 2, leaderEpoch: 0, partitionEpoch: 0 });
    value(await controller.createPartitions({ name: 't', count: 4, assignments: [[3, 1]] }));
    expect(image.partition('t', 3)).toMatchObject({ replicas: [3, 1], isr: [3, 1], leader: 3 });
    value(await controller.createPartitions({ name: 't', count: 9, validateOnly: true }));
    expect(image.topic('t')?.partitions).toHaveLength(4);
  });

  it('refuses what Kafka 4.4.0 refuses, with its codes and messages', async () => {
    const { controller, brokers } = await setup();
    await brokers(2);
    value(await controller.createTopic({ name: 't', numPartitions: 2, replicationFactor: 1 }));
    const grow = async (count: number, assignments?: number[][]) => {
      const r = await controller.createPartitions({ name: 't', count, assignments });
      return r.ok ? 'ok' : `${r.errorCode} ${r.message}`;
    };
    expect(await grow(2)).toBe(`${ErrorCode.INVALID_PARTITIONS} Topic already has 2 partition(s).`);
    expect(await grow(1)).toBe(
      `${ErrorCode.INVALID_PARTITIONS} The topic t currently has 2 partition(s); 1 would not be an increase.`,
    );
    expect(await grow(10_003)).toBe(
      `${ErrorCode.POLICY_VIOLATION} Excessively large number of additional partitions per request.`,
    );
    expect(await grow(4, [[1]])).toBe(
      `${ErrorCode.INVALID_REPLICA_ASSIGNMENT} Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.`,
    );
    expect(await grow(3, [[7]])).toBe(
      `${ErrorCode.INVALID_REPLICA_ASSIGNMENT} The manual partition assignment includes broker 7, but no such broker is registered.`,
    );
    expect(await grow(3, [[1, 1]])).toBe(
      `${ErrorCode.INVALID_REPLICA_ASSIGNMENT} The manual partition assignment includes the broker 1 more than once.`,
    );
    expect(await grow(3, [[1, 2]])).toBe(
      `${ErrorCode.INVALID_REPLICA_ASSIGNMENT} The manual partition assignment includes a partition with 2 replica(s), but this is not consistent with previous partitions, which have 1 replica(s).`,
    );
    expect(errorOf(await controller.createPartitions({ name: 'nope', count: 3 }))).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });
});

describe('ACLs', () => {
  const acl = {
    resourceType: 2,
    resourceName: 'orders',
    patternType: 3,
    principal: 'User:alice',
    host: '*',
    operation: 3,
    permissionType: 3,
  };

  it('stores each new binding once, refuses invalid ones, and deletes by filter', async () => {
    const { controller, image } = await setup();
    const created = value(
      await controller.createAcls({ acls: [acl, acl, { ...acl, resourceType: 4 }, { ...acl, operation: 4 }] }),
    );
    expect(created).toEqual([
      { errorCode: 0, errorMessage: null },
      { errorCode: 0, errorMessage: null },
      {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: 'The only valid name for the CLUSTER resource is kafka-cluster',
      },
      { errorCode: 0, errorMessage: null },
    ]);
    expect(image.acls()).toEqual([acl, { ...acl, operation: 4 }]);
    expect(value(await controller.createAcls({ acls: [acl] }))).toEqual([{ errorCode: 0, errorMessage: null }]);
    expect(image.acls().length).toBe(2);
    const filter = { ...acl, resourceName: null, principal: null, host: null, operation: 1, permissionType: 1 };
    const deleted = value(await controller.deleteAcls({ filters: [filter, { ...filter, operation: 0 }] }));
    expect(deleted).toEqual([
      { errorCode: 0, errorMessage: null, deleted: [acl, { ...acl, operation: 4 }] },
      { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown entryFilter.', deleted: [] },
    ]);
    expect(image.acls()).toEqual([]);
  });
});
