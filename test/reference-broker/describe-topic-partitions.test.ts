/**
 * DescribeTopicPartitions (KIP-966) as raw requests against a 3-node reference cluster and a
 * 3-node Kafka cluster of the newest version, after the same ISR shrink: a follower of a topic
 * with min.insync.replicas=3 is paused until the ISR has shrunk below it and the follower is
 * fenced, so the answer names it as an eligible leader replica (ELR) and an offline replica.
 * Paging by cursor, unknown topics and bad cursors are answered alike too. Every answer is kept
 * and the two targets' answers are compared field by field (topic ids aside).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import { describePartition } from '../../harness/nemesis/node-roles.ts';
import { parseTargetSpec } from '../../harness/targets/target-spec.ts';
import { startTarget, type StartedTarget } from '../../harness/targets/target.ts';
import type {
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
} from '../../protocol/messages/generated/index.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { createReplicatedTopics, FAILOVER_TIMINGS } from '../../scenarios/failover-faults.ts';
import { testKafka } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const TARGETS = ['reference', `kafka@${LATEST_KAFKA_VERSION}`] as const;
const answers = new Map<string, Record<string, unknown>>();
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function describeTopicPartitions(
  bootstrap: string,
  req: Partial<DescribeTopicPartitionsRequest>,
): Promise<DescribeTopicPartitionsResponse> {
  const raw = await RawClient.connect(bootstrap, 'kconform-dtp-test');
  try {
    return await raw.request(ApiKey.DescribeTopicPartitions, 0, {
      topics: [],
      responsePartitionLimit: 2000,
      cursor: null,
      ...req,
    });
  } finally {
    raw.close();
  }
}

/** The answer without what differs between any two clusters (topic ids). */
function comparable(res: DescribeTopicPartitionsResponse): unknown {
  return {
    ...res,
    topics: res.topics.map(({ topicId: _id, _unknownTaggedFields: _t, ...t }) => ({
      ...t,
      partitions: t.partitions.map(({ _unknownTaggedFields: _p, ...p }) => p),
    })),
  };
}

/** Polls DescribeTopicPartitions of `topic` at `bootstrap` until `ok` holds of its partition 0 (waits for state, not time). */
async function waitFor(
  bootstrap: string,
  topic: string,
  ok: (p: DescribeTopicPartitionsResponse['topics'][number]['partitions'][number]) => boolean,
  timeoutMs = 60_000,
): Promise<DescribeTopicPartitionsResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await describeTopicPartitions(bootstrap, { topics: [{ name: topic }] }).catch(() => undefined);
    const p = res?.topics[0]?.partitions[0];
    if (res && p && ok(p)) return res;
    if (Date.now() > deadline)
      throw new Error(
        `${topic}: DescribeTopicPartitions did not reach the expected state in ${timeoutMs} ms (last: ${JSON.stringify(p)})`,
      );
    await sleep(200);
  }
}

/** The same steps on one target; returns its answers by step. */
async function exercise(target: StartedTarget): Promise<Record<string, unknown>> {
  const [n1, , n3] = target.nodes;
  const kafka = testKafka(n1!.bootstrap);
  const out: Record<string, unknown> = {};
  await createReplicatedTopics(kafka, target.nodes, [
    {
      topic: 'dtp-short',
      replicaAssignment: [{ partition: 0, replicas: [n1!.id, target.nodes[1]!.id, n3!.id] }],
      configEntries: [{ name: 'min.insync.replicas', value: '3' }],
    },
    {
      topic: 'dtp-paged',
      replicaAssignment: [0, 1, 2].map((partition) => ({ partition, replicas: [n1!.id, target.nodes[1]!.id] })),
    },
    { topic: 'dtp-zzz', replicaAssignment: [{ partition: 0, replicas: [n1!.id] }] },
  ]);
  const healthy = await waitFor(n1!.bootstrap, 'dtp-short', (p) => p.isrNodes.length === 3 && p.leaderId === n1!.id);
  out.healthy = comparable(healthy);
  // Paging: 2 partitions per answer over dtp-paged (3), dtp-short (1), dtp-zzz (1), in name order.
  const names = [{ name: 'dtp-zzz' }, { name: 'dtp-short' }, { name: 'dtp-paged' }];
  const page1 = await describeTopicPartitions(n1!.bootstrap, { topics: names, responsePartitionLimit: 2 });
  const page2 = await describeTopicPartitions(n1!.bootstrap, {
    topics: names,
    responsePartitionLimit: 2,
    cursor: page1.nextCursor,
  });
  const page3 = await describeTopicPartitions(n1!.bootstrap, {
    topics: names,
    responsePartitionLimit: 2,
    cursor: page2.nextCursor,
  });
  out.pages = [page1, page2, page3].map(comparable);
  out.unknown = comparable(
    await describeTopicPartitions(n1!.bootstrap, {
      topics: [{ name: 'dtp-none' }, { name: 'bad name!' }, { name: 'dtp-zzz' }],
    }),
  );
  out.cursorNotListed = comparable(
    await describeTopicPartitions(n1!.bootstrap, {
      topics: [{ name: 'dtp-zzz' }],
      cursor: { topicName: 'dtp-paged', partitionIndex: 0 },
    }),
  );
  out.emptyNameWithoutCursor = comparable(
    await describeTopicPartitions(n1!.bootstrap, { topics: [{ name: '' }, { name: 'dtp-zzz' }] }),
  );
  out.negativeCursor = comparable(
    await describeTopicPartitions(n1!.bootstrap, {
      topics: [{ name: 'dtp-zzz' }],
      cursor: { topicName: 'dtp-zzz', partitionIndex: -1 },
    }),
  );
  // The ISR shrink: node 3 paused past replica.lag.time.max.ms (leaves the ISR) and the session timeout (fenced).
  await target.faults.pause(n3!.id);
  try {
    out.short = comparable(
      await waitFor(n1!.bootstrap, 'dtp-short', (p) => p.isrNodes.length === 2 && p.offlineReplicas.includes(n3!.id)),
    );
  } finally {
    await target.faults.resume(n3!.id);
  }
  // Back in sync: the ELR is cleared.
  out.recovered = comparable(
    await waitFor(n1!.bootstrap, 'dtp-short', (p) => p.isrNodes.length === 3 && p.offlineReplicas.length === 0),
  );
  const view = await describePartition(target.nodes, 'dtp-short', 0);
  expect(view?.isr.length).toBe(3);
  return out;
}

describe('DescribeTopicPartitions after an ISR shrink: the reference cluster answers as Kafka does', () => {
  for (const spec of TARGETS) {
    it(`${spec}: ISR, ELR, offline replicas and paging`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kconform-dtp-'));
      dirs.push(dir);
      await using target = await startTarget(parseTargetSpec(spec), dir, { brokers: 3, timings: FAILOVER_TIMINGS });
      const got = await exercise(target);
      answers.set(spec, got);
      // What KIP-966 promises, on either target: the paused follower is an eligible leader replica while the ISR is short.
      const short = (got.short as DescribeTopicPartitionsResponse).topics[0]!.partitions[0]!;
      expect(short).toMatchObject({
        leaderId: target.nodes[0]!.id,
        isrNodes: [target.nodes[0]!.id, target.nodes[1]!.id].sort(),
        eligibleLeaderReplicas: [target.nodes[2]!.id],
        lastKnownElr: [],
        offlineReplicas: [target.nodes[2]!.id],
      });
      expect(
        (got.recovered as DescribeTopicPartitionsResponse).topics[0]!.partitions[0]!.eligibleLeaderReplicas,
      ).toEqual([]);
    }, 600_000);
  }

  it('both targets gave the same answers, step by step', () => {
    const [a, b] = TARGETS.map((t) => answers.get(t));
    expect(a, 'the reference run did not finish').toBeDefined();
    expect(b, 'the Kafka run did not finish').toBeDefined();
    for (const step of Object.keys(b!)) expect(a![step], step).toEqual(b![step]);
  });
});
