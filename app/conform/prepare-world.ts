/**
 * Makes both brokers hold the same state before the cases run: the same topics, the same
 * records (fixed timestamps), a log start moved by DeleteRecords, committed offsets; and
 * waits until Kafka's coordinators answer, so no case sees a broker still warming up.
 */
import { errorName } from '../../protocol/errors/generated/error-codes.ts';
import { request, topicIdOf } from './conform-case.ts';
import type { BrokerSide } from './broker-side.ts';
import type { Outcome } from './normalize.ts';
import { fixedBatch, ownedBy, T0, type World } from './world.ts';

/** The two sides of a run and the versions both serve. */
export interface Pair {
  readonly sides: readonly [BrokerSide, BrokerSide];
  /** Highest version of `apiKey` both serve (and the codec knows), undefined if not both. */
  readonly common: (apiKey: number) => number | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends the same request template to both sides. */
export function both(pair: Pair, apiKey: number, version: number, body: unknown): Promise<[Outcome, Outcome]> {
  return Promise.all(pair.sides.map((s) => s.send({ apiKey, version, body }))) as Promise<[Outcome, Outcome]>;
}

/** Error codes anywhere in an answer (0 left out). */
function errorCodes(o: Outcome): number[] {
  if (o.kind !== 'answer') return [-9999];
  const out: number[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'errorCode' || k.endsWith('ErrorCode')) && typeof x === 'number' && x !== 0) out.push(x);
        else visit(x);
      }
    }
  };
  visit(o.body);
  return out;
}

/** Retriable while a broker is still loading a coordinator or electing a leader. */
const WARMING_UP = new Set([3, 5, 6, 14, 15, 16]);

/**
 * Sends to one side until its answer carries no warming-up error (at most `ms`); returns the
 * last outcome.
 */
async function untilReady(
  side: BrokerSide,
  apiKey: number,
  version: number,
  body: unknown,
  ms: number,
): Promise<Outcome> {
  const deadline = Date.now() + ms;
  for (;;) {
    const o = await side.send({ apiKey, version, body });
    const codes = errorCodes(o);
    if (!codes.some((c) => WARMING_UP.has(c)) || Date.now() > deadline) return o;
    await sleep(200);
  }
}

function describe(o: Outcome): string {
  if (o.kind !== 'answer') return o.kind;
  const codes = errorCodes(o);
  return codes.length ? codes.map(errorName).join(', ') : 'ok';
}

/**
 * Waits (at most `ms`) until both sides list the same topics of this run, each partition with
 * a leader, or (unless `untilSame`) until neither side's list changes any more; lets each side
 * learn its topic ids from the answers.
 */
export async function settle(pair: Pair, world: World, ms = 5000, untilSame = false): Promise<boolean> {
  const version = Math.min(pair.common(3) ?? 0, 12);
  const own = ownedBy(world);
  const deadline = Date.now() + ms;
  let previous: string[] | undefined;
  let stableSince: number | undefined;
  for (;;) {
    const views = await Promise.all(
      pair.sides.map(async (s) => {
        const o = await s.send({
          apiKey: 3,
          version,
          body: request('Metadata', { topics: version === 0 ? [] : null, allowAutoTopicCreation: false }),
        });
        if (o.kind !== 'answer') return { sig: o.kind, ready: false };
        s.normalize(3, version, o); // learns the topic ids
        const topics = (
          (o.body as { topics: { name: string; errorCode: number; partitions: { leaderId: number }[] }[] }).topics ?? []
        ).filter((t) => own(t.name));
        const sig = topics
          .map((t) => `${t.name}:${t.partitions.length}`)
          .sort()
          .join(',');
        return { sig, ready: topics.every((t) => t.errorCode === 0 && t.partitions.every((p) => p.leaderId >= 0)) };
      }),
    );
    const same = views[0]!.sig === views[1]!.sig;
    const ready = views.every((v) => v.ready);
    if ((same && ready) || Date.now() > deadline) return same;
    // Brokers that disagree about a topic (one created it, the other refused) never converge:
    // once neither side's view changed for a while, the difference is the answer, not a delay.
    const stable = previous !== undefined && views.every((v, i) => v.sig === previous![i]);
    stableSince = stable ? (stableSince ?? Date.now()) : undefined;
    if (!untilSame && ready && stableSince !== undefined && Date.now() - stableSince >= 500) return same;
    previous = views.map((v) => v.sig);
    await sleep(100);
  }
}

/**
 * Waits (at most `ms`) until both sides describe the same own configs of `topic`, or until
 * neither side's answer changes any more. Kafka answers a config change once its controller
 * committed it, and its broker applies the record a moment later: a DescribeConfigs sent at
 * once may still show the old configs (seen in a conform run). A real difference stays.
 */
export async function settleTopicConfigs(pair: Pair, topic: string, ms = 5000): Promise<boolean> {
  const version = pair.common(32);
  if (version === undefined) return true;
  const deadline = Date.now() + ms;
  let previous: string[] | undefined;
  let stableSince: number | undefined;
  for (;;) {
    const sigs = await Promise.all(
      pair.sides.map(async (s) => {
        const o = await s.send({
          apiKey: 32,
          version,
          body: request('DescribeConfigs', {
            resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }],
            includeSynonyms: false,
            includeDocumentation: false,
          }),
        });
        if (o.kind !== 'answer') return o.kind;
        const configs = (o.body as { results: { configs: { name: string; value: string; configSource: number }[] }[] })
          .results[0]?.configs;
        return (configs ?? [])
          .filter((c) => c.configSource === 1)
          .map((c) => `${c.name}=${c.value}`)
          .sort()
          .join(',');
      }),
    );
    if (sigs[0] === sigs[1] || Date.now() > deadline) return sigs[0] === sigs[1];
    const stable = previous !== undefined && sigs.every((v, i) => v === previous![i]);
    stableSince = stable ? (stableSince ?? Date.now()) : undefined;
    if (stableSince !== undefined && Date.now() - stableSince >= 500) return false;
    previous = sigs;
    await sleep(100);
  }
}

/** Prepares the world on both sides; returns warnings for steps that did not succeed on a side. */
export async function prepareWorld(pair: Pair, world: World, progress: (line: string) => void): Promise<string[]> {
  const warnings: string[] = [];
  const check = (what: string, outcomes: readonly Outcome[]) => {
    outcomes.forEach((o, i) => {
      const d = describe(o);
      if (d !== 'ok') warnings.push(`${what} on the ${pair.sides[i]!.role}: ${d}`);
    });
  };
  const t = world.topics;
  const vCreate = pair.common(19);
  if (vCreate === undefined)
    throw new Error('both brokers must serve CreateTopics to prepare the topics the cases use');
  const topics = [
    { name: t.multi, numPartitions: 3 },
    { name: t.single, numPartitions: 1 },
    { name: t.empty, numPartitions: 1 },
    { name: t.trimmed, numPartitions: 1 },
    { name: t.deletable, numPartitions: 1 },
    { name: t.sink, numPartitions: 1 },
  ];
  progress(`preparing: topics ${topics.map((x) => x.name).join(', ')}`);
  const created = await both(
    pair,
    19,
    vCreate,
    request('CreateTopics', {
      topics: topics.map((x) => ({ ...x, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 30_000,
      validateOnly: false,
    }),
  );
  check('CreateTopics', created);
  if (!(await settle(pair, world, 30_000, true))) warnings.push('the brokers did not show the same topics within 30 s');

  const vFind = pair.common(10);
  if (vFind !== undefined) {
    progress('preparing: waiting for the group coordinators');
    const body = request('FindCoordinator', {
      key: world.groups.committed,
      keyType: 0,
      coordinatorKeys: [world.groups.committed],
    });
    check('FindCoordinator', await Promise.all(pair.sides.map((s) => untilReady(s, 10, vFind, body, 60_000))));
  }
  const vInit = pair.common(22);
  if (vInit !== undefined) {
    const body = request('InitProducerId', {
      transactionalId: null,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    check('InitProducerId', await Promise.all(pair.sides.map((s) => untilReady(s, 22, vInit, body, 30_000))));
  }

  const vProduce = pair.common(0);
  if (vProduce !== undefined) {
    progress('preparing: records');
    const writes: [string, number, Buffer][] = [
      [t.multi, 0, fixedBatch(3, 'm0')],
      [t.multi, 0, fixedBatch(2, 'm0z', 'gzip', T0 + 10_000)],
      [t.multi, 1, fixedBatch(1, 'm1')],
      [t.single, 0, fixedBatch(2, 's0')],
      [t.single, 0, fixedBatch(1, 's1', 'none', T0 + 5000)],
      [t.single, 0, fixedBatch(2, 's2', 'gzip', T0 + 8000)],
      [t.trimmed, 0, fixedBatch(4, 't')],
      [t.deletable, 0, fixedBatch(5, 'd')],
      [t.deletable, 0, fixedBatch(5, 'd2', 'none', T0 + 20_000)],
    ];
    for (const [topic, partition, records] of writes) {
      const body = request('Produce', {
        transactionalId: null,
        acks: -1,
        timeoutMs: 10_000,
        topicData: [{ name: topic, topicId: topicIdOf(topic), partitionData: [{ index: partition, records }] }],
      });
      check(
        `Produce to ${topic}-${partition}`,
        await Promise.all(pair.sides.map((s) => untilReady(s, 0, vProduce, body, 20_000))),
      );
    }
  }
  const vDelete = pair.common(21);
  if (vDelete !== undefined) {
    check(
      'DeleteRecords',
      await both(
        pair,
        21,
        vDelete,
        request('DeleteRecords', {
          topics: [{ name: t.trimmed, partitions: [{ partitionIndex: 0, offset: 2n }] }],
          timeoutMs: 10_000,
        }),
      ),
    );
  }
  const vCommit = pair.common(8);
  if (vCommit !== undefined) {
    const body = request('OffsetCommit', {
      groupId: world.groups.committed,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: t.multi,
          topicId: topicIdOf(t.multi),
          partitions: [
            { partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: 'prepared' },
            { partitionIndex: 1, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    check('OffsetCommit', await Promise.all(pair.sides.map((s) => untilReady(s, 8, vCommit, body, 30_000))));
  }
  return warnings;
}
