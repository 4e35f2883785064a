/**
 * What the lab-cluster suites ask a node directly, over the raw protocol so that the answer
 * comes from exactly that node (no client-side retries or metadata from elsewhere): a Produce's
 * error code, a group's coordinator, a partition as one node sees it. And a group consumer with
 * a chosen group id, for reading through some nodes while another is cut off.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { produceBody } from '../../harness/drivers/request-bodies.ts';
import { findCoordinator } from '../../harness/drivers/find-coordinator.ts';
import { tryClusterMetadata, type PartitionView } from '../../harness/kafka-dist/cluster-metadata.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { patientKafka } from '../targets/fault-checks.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/**
 * Sends `values` as one acks=all Produce to one node (`host:port`) alone and returns the partition's error
 * code, or the Error when no answer came within `timeoutMs` plus a margin.
 */
export async function rawProduce(
  bootstrap: string,
  topic: string,
  values: readonly string[],
  timeoutMs: number,
): Promise<number | Error> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(bootstrap, 'kconform-lab-test', 3_000);
    const batch = buildRecordBatch(values.map((value) => ({ value })));
    const res = await client.send(ApiKey.Produce, produceBody(topic, batch, { acks: -1, timeoutMs }), {
      versions: { max: 9 },
      timeoutMs: timeoutMs + 5_000,
    });
    return res.responses[0]!.partitionResponses[0]!.errorCode as number;
  } catch (err) {
    return err as Error;
  } finally {
    client?.close();
  }
}

/** The coordinator node of `groupId`, asked through one node (`host:port`) until it names one (a fresh __consumer_offsets needs a moment). */
export async function groupCoordinator(bootstrap: string, groupId: string, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let client: RawClient | undefined;
    try {
      client = await RawClient.connect(bootstrap, 'kconform-lab-test', 3_000);
      const res = await findCoordinator(client, groupId, undefined, 5_000);
      if (res.errorCode === 0) return res.nodeId;
    } catch {
      // Not answering yet; ask again.
    } finally {
      client?.close();
    }
    if (Date.now() >= until)
      throw new Error(`no coordinator for group ${groupId} through ${bootstrap} in ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** Partition `partition` of `topic` as one node (`host:port`) sees it, or undefined when it does not answer. */
export async function partitionSeenBy(
  bootstrap: string,
  topic: string,
  partition = 0,
  timeoutMs = 2_000,
): Promise<PartitionView | undefined> {
  const view = await tryClusterMetadata(bootstrap, { topics: [topic], timeoutMs });
  return view?.topics.get(topic)?.partitions.find((p) => p.partition === partition);
}

/** Polls `check` every 250 ms until it returns a value; undefined after `timeoutMs`. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() >= until) return undefined;
    await sleep(250);
  }
}

/** Reads `topic` from the beginning in group `groupId` through `bootstrap` until every value of `expected` was seen; returns what was read. */
export async function consumeInGroup(
  bootstrap: string,
  topic: string,
  groupId: string,
  expected: readonly string[],
  timeoutMs = 60_000,
): Promise<string[]> {
  const consumer = patientKafka(bootstrap).consumer({ groupId, retry: { retries: 12 } });
  const missing = new Set(expected);
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${missing.size} of ${expected.length} values of ${topic} not read in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const v = message.value?.toString('utf8') ?? '';
            seen.push(v);
            missing.delete(v);
            if (missing.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
