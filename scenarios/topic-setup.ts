import type { ITopicConfig } from 'kafkajs';
import { LeaderRouter } from './leader-router.ts';
import { LATEST, listOffsetRouted } from './raw-reads.ts';
import type { ScenarioContext } from './scenario.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `attempt` until it succeeds or `timeoutMs` passes, waiting `pauseMs` between tries: the
 * fault schedule starts with the run, so a scenario's setup may meet a node that is down.
 */
export async function retrying<T>(what: string, attempt: () => Promise<T>, timeoutMs = 60_000, pauseMs = 500): Promise<T> {
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
    } finally {
      router.closeAll();
    }
  });
}
