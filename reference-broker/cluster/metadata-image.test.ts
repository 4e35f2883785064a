import { describe, expect, it } from 'vitest';
import { MetadataImage, type MetadataDelta } from './metadata-image.ts';
import type { PartitionRegistration } from './metadata-records.ts';

const reg = (replicas: number[], leader = replicas[0]!): PartitionRegistration => ({
  replicas,
  isr: [...replicas],
  leader,
  leaderEpoch: 0,
  partitionEpoch: 0,
  elr: [],
  lastKnownElr: [],
});

function imageWithBrokersAndTopic(): MetadataImage {
  const image = new MetadataImage();
  image.apply({ type: 'noop' }, 1);
  image.apply(
    [
      { type: 'register-broker', id: 1, host: 'h1', port: 9001, incarnationId: 'a' },
      { type: 'register-broker', id: 2, host: 'h2', port: 9002, incarnationId: 'b' },
    ],
    2,
  );
  image.apply(
    {
      type: 'create-topic',
      name: 't',
      id: 'id-t',
      configs: { 'retention.ms': '1000' },
      partitions: [reg([1, 2]), reg([2, 1])],
    },
    3,
  );
  return image;
}

describe('metadata image', () => {
  it('register-broker: fenced, epoch = the Raft index of the record', () => {
    const image = new MetadataImage();
    const delta = image.apply([{ type: 'register-broker', id: 5, host: 'h', port: 1, incarnationId: 'x' }], 7);
    expect(image.broker(5)).toEqual({ id: 5, host: 'h', port: 1, epoch: 7, incarnationId: 'x', fenced: true });
    expect(delta.brokers).toEqual([5]);
    expect(image.appliedIndex).toBe(7);
    expect(image.unfencedBrokers()).toEqual([]);
    // re-registration: a new epoch, fenced again
    image.apply({ type: 'unfence-broker', id: 5 }, 8);
    image.apply({ type: 'register-broker', id: 5, host: 'h', port: 2, incarnationId: 'y' }, 9);
    expect(image.broker(5)).toMatchObject({ epoch: 9, port: 2, fenced: true });
  });

  it('fence-broker and unfence-broker flip the state, and report only real changes', () => {
    const image = imageWithBrokersAndTopic();
    expect(image.apply({ type: 'unfence-broker', id: 1 }, 4).brokers).toEqual([1]);
    expect(image.isUnfenced(1)).toBe(true);
    expect(image.apply({ type: 'unfence-broker', id: 1 }, 5).brokers).toEqual([]);
    expect(image.apply({ type: 'fence-broker', id: 1 }, 6).brokers).toEqual([1]);
    expect(image.isUnfenced(1)).toBe(false);
    expect(image.apply({ type: 'fence-broker', id: 9 }, 7).ignored).toEqual([
      'fence-broker: broker 9 is not registered',
    ]);
  });

  it('create-topic: by name and id, every partition in the delta; a second one with the name is ignored', () => {
    const image = new MetadataImage();
    const delta = image.apply(
      { type: 'create-topic', name: 't', id: 'id-t', configs: { a: 'b' }, partitions: [reg([1]), reg([2])] },
      1,
    );
    expect(delta.topicsCreated).toEqual(['t']);
    expect(delta.partitions).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect(image.topicById('id-t')?.name).toBe('t');
    expect(image.partition('t', 1)).toEqual(reg([2]));
    expect(image.topic('t')?.configs).toEqual({ a: 'b' });
    expect(
      image.apply({ type: 'create-topic', name: 't', id: 'other', configs: {}, partitions: [] }, 2).ignored,
    ).toHaveLength(1);
    expect(image.topicById('other')).toBeUndefined();
  });

  it('delete-topic removes both lookups', () => {
    const image = imageWithBrokersAndTopic();
    const delta = image.apply({ type: 'delete-topic', name: 't' }, 4);
    expect(delta.topicsDeleted).toEqual([{ name: 't', id: 'id-t' }]);
    expect(image.topic('t')).toBeUndefined();
    expect(image.topicById('id-t')).toBeUndefined();
    expect(image.apply({ type: 'delete-topic', name: 't' }, 5).ignored).toHaveLength(1);
  });

  it('topic-configs replaces the own configs of a topic, by name and by id; an unknown topic is ignored', () => {
    const image = imageWithBrokersAndTopic();
    const before = image.topic('t')!;
    const delta = image.apply({ type: 'topic-configs', name: 't', configs: { 'segment.bytes': '2000000' } }, 4);
    expect(delta.configsChanged).toEqual(['t']);
    expect(image.topic('t')?.configs).toEqual({ 'segment.bytes': '2000000' });
    expect(image.topicById('id-t')?.configs).toEqual({ 'segment.bytes': '2000000' });
    expect(before.configs).toEqual({ 'retention.ms': '1000' });
    expect(image.apply({ type: 'topic-configs', name: 'nope', configs: {} }, 5).ignored).toHaveLength(1);
  });

  it('create-partitions appends partitions numbered from the current count, only while that count holds', () => {
    const image = imageWithBrokersAndTopic();
    const delta = image.apply({ type: 'create-partitions', topic: 't', firstPartition: 2, partitions: [reg([1])] }, 4);
    expect(delta.partitions).toEqual([{ topic: 't', partition: 2 }]);
    expect(image.topic('t')?.partitions).toHaveLength(3);
    expect(image.partition('t', 2)).toEqual(reg([1]));
    const stale = image.apply({ type: 'create-partitions', topic: 't', firstPartition: 2, partitions: [reg([2])] }, 5);
    expect(stale.ignored).toHaveLength(1);
    expect(image.topic('t')?.partitions).toHaveLength(3);
  });

  it('partition-change replaces leader, ISR and epochs; old registrations stay as they were', () => {
    const image = imageWithBrokersAndTopic();
    const before = image.partition('t', 0)!;
    const delta = image.apply(
      { type: 'partition-change', topic: 't', partition: 0, leader: 2, isr: [2], leaderEpoch: 1, partitionEpoch: 1 },
      4,
    );
    expect(delta.partitions).toEqual([{ topic: 't', partition: 0 }]);
    expect(image.partition('t', 0)).toEqual({
      replicas: [1, 2],
      isr: [2],
      leader: 2,
      leaderEpoch: 1,
      partitionEpoch: 1,
      elr: [],
      lastKnownElr: [],
    });
    expect(image.topicById('id-t')!.partitions[0]!.leader).toBe(2);
    expect(before).toEqual(reg([1, 2]));
    expect(
      image.apply(
        { type: 'partition-change', topic: 't', partition: 5, leader: 2, isr: [2], leaderEpoch: 1, partitionEpoch: 1 },
        5,
      ).ignored,
    ).toHaveLength(1);
  });

  it('producer-ids moves the next free id past the block', () => {
    const image = new MetadataImage();
    expect(image.nextProducerId).toBe(0);
    expect(image.apply({ type: 'producer-ids', brokerId: 1, firstId: 0, size: 1000 }, 1).producerIdsChanged).toBe(true);
    expect(image.nextProducerId).toBe(1000);
  });

  it('noop changes nothing but the applied index; unknown records are ignored alike on every node', () => {
    const image = new MetadataImage();
    const delta = image.apply({ type: 'noop' }, 1);
    expect(delta).toEqual({
      index: 1,
      brokers: [],
      topicsCreated: [],
      topicsDeleted: [],
      configsChanged: [],
      partitions: [],
      producerIdsChanged: false,
      aclsChanged: false,
      ignored: [],
    });
    expect(image.apply({ type: 'mystery' } as never, 2).ignored).toEqual(['mystery: unknown record type']);
  });

  it('emits one change per entry, and refuses entries out of order', () => {
    const image = new MetadataImage();
    const seen: MetadataDelta[] = [];
    image.on('change', (d) => seen.push(d));
    image.apply([{ type: 'noop' }, { type: 'producer-ids', brokerId: 1, firstId: 0, size: 10 }], 1);
    expect(seen.map((d) => d.index)).toEqual([1]);
    expect(() => image.apply({ type: 'noop' }, 1)).toThrow(/in order/);
  });

  it('is deterministic: the same log gives the same image', () => {
    const a = imageWithBrokersAndTopic();
    const b = imageWithBrokersAndTopic();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
