import fc from 'fast-check';
import { logLevel } from 'kafkajs';
import { kafkajsClient } from '../harness/drivers/kafkajs-client.ts';
import { splitHostPort } from '../protocol/client/host-port.ts';
import { NEMESIS } from '../harness/nemesis/nemesis.ts';
import { startProxies } from '../harness/nemesis/tcp-proxy.ts';
import { FINAL_READ, REPLAY_READ, SEND, type RecordRef } from '../harness/history/ops.ts';
import { recordPlan } from './plan-ops.ts';
import { readFromBeginning } from './read-from-beginning.ts';
import { createTopicsReady, retrying } from './topic-setup.ts';
import type { Scenario, ScenarioContext } from './scenario.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';

/**
 * Idempotence (KIP-98): an idempotent producer sends through a TCP proxy that, at moments drawn
 * from the seed, drops the broker's answer to a Produce it already applied. The producer times
 * out and resends the same batch with the same sequence numbers; the broker must recognise it,
 * so the final read holds every record exactly once (the duplicate checker decides).
 */
export const idempotenceScenario: Scenario = {
  name: 'idempotence',
  description: 'lost Produce responses make an idempotent producer retry; every record must be stored once',
  async run(ctx: ScenarioContext): Promise<void> {
    const topic = ctx.topicName('idempotence');
    const n = Math.max(10, Math.min(ctx.records, 200));
    const dropBefore = new Set(fc.sample(fc.integer({ min: 0, max: n - 1 }), { seed: ctx.seed, numRuns: 3 }));
    const proxies = await startProxies(ctx.target.bootstrap.split(',').map(splitHostPort));
    const viaProxy = proxies.map((p) => `${p.listen.host}:${p.listen.port}`);
    // A short request timeout so a dropped answer turns into a retry quickly.
    const client = kafkajsClient(viaProxy, 'kconform-idempotence', {
      logLevel: logLevel.NOTHING,
      requestTimeout: 1500,
      retry: { retries: 8, initialRetryTime: 100 },
    });
    const kafka = ctx.track?.(client) ?? client;
    // A stopped run closes the proxies at once: their ports must not outlive it.
    const closeProxies = () => void Promise.all(proxies.map((p) => p.close())).catch(() => {});
    ctx.signal?.addEventListener('abort', closeProxies, { once: true });
    recordPlan(ctx.history, { scenario: 'idempotence', topic });
    try {
      // Faults run from the start: setup meets nodes that are down or restarting, so it retries.
      await createTopicsReady(ctx, [{ topic, numPartitions: 1 }]);
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { retries: 8, initialRetryTime: 100 },
      });
      await retrying('connecting the producer', () => producer.connect());
      ctx.progress(
        `idempotence: ${n} sends, dropping the answer before sends ${[...dropBefore].sort((a, b) => a - b).join(', ')}`,
      );
      try {
        for (let i = 0; i < n; i++) {
          if (dropBefore.has(i)) {
            const op = ctx.history.invoke(NEMESIS, NEMESIS, { fault: 'drop-response', apiKey: ApiKey.Produce });
            for (const p of proxies) p.dropResponses({ apiKey: ApiKey.Produce, count: 1 });
            op.ok({ fault: 'drop-response', apiKey: ApiKey.Produce });
          }
          await ctx.pace();
          const value = JSON.stringify({ run: ctx.runId, seq: i });
          const op = ctx.history.invoke(0, SEND, { topic, partition: 0, key: null, value });
          try {
            const meta = await producer.send({ topic, acks: -1, messages: [{ value, partition: 0 }] });
            op.ok({ topic, partition: 0, offset: Number(meta[0]!.baseOffset), key: null, value } satisfies RecordRef);
          } catch (err) {
            op.info((err as Error).message);
          }
        }
      } finally {
        await producer.disconnect();
      }
      // How many answers were really dropped: the idempotence-exercised checker reads it here.
      const droppedResponses = proxies.reduce((sum, p) => sum + (p.dropped.get(ApiKey.Produce) ?? 0), 0);
      for (const p of proxies) p.heal();
      ctx.history.invoke(NEMESIS, NEMESIS, { fault: 'heal-all' }).ok({ fault: 'heal-all', droppedResponses });
    } finally {
      ctx.signal?.removeEventListener('abort', closeProxies);
      for (const p of proxies) await p.close();
    }
    await ctx.quiesce();
    await readFromBeginning(ctx.kafka, topic, FINAL_READ, ctx.history, ctx.runId);
    await readFromBeginning(ctx.kafka, topic, REPLAY_READ, ctx.history, ctx.runId);
    // idempotence-exercised is the checker's, from the heal op's count of dropped answers.
  },
};
