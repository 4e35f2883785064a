/**
 * What the process-target suites check after a fault: acknowledged writes (kafkajs, acks=all)
 * are all readable, a node answers (or not) a raw request, nothing is left running.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { createTopicsWithLeaders } from '../../harness/drivers/create-topics.ts';

// kafkajs warns about its v2 partitioner change on every producer; it says nothing here.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** A quiet kafkajs client that keeps retrying through a leader failover (tens of seconds). */
export function patientKafka(bootstrap: string): Kafka {
  return new Kafka({
    clientId: 'kconform-targets-test',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 12, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
}

/** Creates `topic` and waits until a broker names a leader for each of its partitions. */
export const createTopic = (kafka: Kafka, topic: ITopicConfig, timeoutMs?: number): Promise<void> =>
  createTopicsWithLeaders(kafka, [topic], timeoutMs);

/**
 * Sends `values` with acks=all in batches of `batch`, and returns the values whose send was
 * acknowledged (a failed batch is left out: it may or may not have been written).
 */
export async function produceAcknowledged(
  kafka: Kafka,
  topic: string,
  values: readonly string[],
  batch = 50,
): Promise<string[]> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const acked: string[] = [];
  try {
    for (let i = 0; i < values.length; i += batch) {
      const chunk = values.slice(i, i + batch);
      try {
        await producer.send({ topic, acks: -1, messages: chunk.map((value) => ({ value })) });
        acked.push(...chunk);
      } catch {
        // Not acknowledged: nothing is claimed about these values.
      }
    }
  } finally {
    await producer.disconnect();
  }
  return acked;
}

/** Reads `topic` from the beginning with a fresh group until every value in `expected` was seen; returns what was read. */
export async function consumeUntilSeen(
  kafka: Kafka,
  topic: string,
  expected: readonly string[],
  timeoutMs = 90_000,
): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `kconform-targets-${topic}-${Date.now()}`, retry: { retries: 12 } });
  const missing = new Set(expected);
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${missing.size} of ${expected.length} acknowledged values of ${topic} not read in ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      const check = (): void => {
        if (missing.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      check();
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const v = message.value?.toString('utf8') ?? '';
            seen.push(v);
            missing.delete(v);
            check();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Resolves true when `bootstrap` answers ApiVersions within `timeoutMs`, false when it does not. */
export async function answersApiVersions(bootstrap: string, timeoutMs: number): Promise<boolean> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(bootstrap, 'kconform-targets-test', timeoutMs);
    const res = await client.request(
      ApiKey.ApiVersions,
      3,
      { clientSoftwareName: 'kconform', clientSoftwareVersion: '0' },
      timeoutMs,
    );
    return res.errorCode === 0;
  } catch {
    return false;
  } finally {
    client?.close();
  }
}

/** Pids of `command` processes whose command line mentions `text` (`pgrep -f`); e.g. JVMs configured from a directory. */
export function processesMentioning(command: string, text: string): number[] {
  const pattern = `${command} .*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  try {
    return execFileSync('pgrep', ['-f', '--', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    // pgrep exits 1 when nothing matches.
    return [];
  }
}

/** Whether a pid is a running process; a zombie counts as gone. */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
