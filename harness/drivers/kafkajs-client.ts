import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

/**
 * A kafkajs client for kconform's own tools: logs only errors (to stderr, one line each), and
 * gives up on an unreachable broker after a few seconds instead of retrying for minutes.
 */
export function kafkajsClient(
  brokers: string[],
  clientId = 'kconform',
  extra: Partial<KafkaConfig> = {},
  logTo: { write(s: string): unknown } = process.stderr,
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ namespace, log }) => {
        const error = typeof log.error === 'string' ? `: ${log.error}` : '';
        logTo.write(`kafkajs ${namespace}: ${log.message}${error}\n`);
      },
    ...extra,
  });
}
