import type { ITopicConfig } from 'kafkajs';
import { tryClusterMetadata } from '../harness/kafka-dist/cluster-metadata.ts';
import type { TargetNode } from '../harness/nemesis/fault-control.ts';
import { LeaderRouter } from './leader-router.ts';
import { LATEST, listOffsetRouted } from './raw-reads.ts';
import type { ScenarioContext } from './scenario.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `attempt` until it succeeds or `timeoutMs` passes, waiting `pauseMs` between tries: the
 * fault schedule starts with the run, so a scenario's setup may meet a node that is down.
 */
export async function retrying<T>(
  what: string,
  attempt: () => Promise<T>,
  timeoutMs = 60_000,
  pauseMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() + pauseMs > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await sleep(pauseMs);
    }
  }
}

/** Partitions of `topic` whose leaders do not answer ListOffsets yet (Kafka needs a moment after CreateTopics). */
async function unready(router: LeaderRouter, topic: string, partitions: number): Promise<number[]> {
  const out: number[] = [];
  for (let p = 0; p < partitions; p++) {
    const answer = await listOffsetRouted(router, 'setup', topic, p, LATEST).catch(() => undefined);
    if (answer?.errorCode !== 0) out.push(p);
  }
  return out;
}

/**
 * Throws unless every node of a cluster lists each of `topics` with a leader for every
 * partition: a node applies a new topic a moment after the controller committed it, and a client
 * that asks it first is told UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not always retry.
 * One node: nothing to wait for.
 */
export async function assertTopicsEverywhere(nodes: readonly TargetNode[], topics: readonly string[]): Promise<void> {
  if (nodes.length <= 1) return;
  const views = await Promise.all(nodes.map((n) => tryClusterMetadata(n.bootstrap, { topics, timeoutMs: 2_000 })));
  for (const [i, view] of views.entries()) {
    for (const topic of topics) {
      const t = view?.topics.get(topic);
      if (t?.errorCode !== 0 || t.partitions.length === 0 || t.partitions.some((p) => p.leaderId < 0)) {
        throw new Error(`node ${nodes[i]!.id} does not know ${topic} with leaders yet${view ? '' : ' (no answer)'}`);
      }
    }
  }
}

/**
 * Creates `topics` (kafkajs admin, waiting for leaders) and waits until each partition's leader
 * answers raw requests too, retrying through faults. A retry after a lost answer finds the topic
 * there, which kafkajs takes as done.
 */
export async function createTopicsReady(ctx: ScenarioContext, topics: ITopicConfig[]): Promise<void> {
  await retrying(`creating ${topics.map((t) => t.topic).join(', ')}`, async () => {
    const admin = ctx.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics, waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
    const router = new LeaderRouter(ctx.target.nodes, 'kconform');
    try {
      for (const t of topics) {
        const missing = await unready(router, t.topic, t.numPartitions ?? 1);
        if (missing.length) throw new Error(`${t.topic} partitions ${missing.join(', ')} do not answer yet`);
      }
      await assertTopicsEverywhere(
        ctx.target.nodes,
        topics.map((t) => t.topic),
      );
    } finally {
      router.closeAll();
    }
  });
}
