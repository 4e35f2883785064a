/**
 * The console round trip: Kafka's own console producer writes lines to a topic, then Kafka's
 * own console consumer reads them back from the beginning. Runs against any bootstrap
 * address (a real Kafka node, the reference broker, an external broker), with the console
 * tools of a resolved Kafka release.
 */
import { consoleConsumerClass, consoleProducerClass, runKafkaClass } from './kafka-tool.ts';
import type { KafkaDist } from './resolve-kafka.ts';

/** Options of {@link consoleRoundTrip}. */
export interface ConsoleRoundTripOptions {
  /** The consumer's own `--timeout-ms` (time without a record before it gives up); default 30 000. */
  consumerTimeoutMs?: number;
  /** Limit for each tool process as a whole; default consumer timeout + 60 s. */
  processTimeoutMs?: number;
  /** Consumer group; default the console consumer's own random `console-consumer-NNNN`. */
  group?: string;
}

/** What the round trip observed. */
export interface ConsoleRoundTripResult {
  /** The console consumer's stdout, one entry per printed line. */
  readonly printed: string[];
  readonly producerStderr: string;
  readonly consumerStderr: string;
  readonly producerCode: number | null;
  readonly consumerCode: number | null;
}

/** Splits tool output into lines, without the empty string after a final newline. */
function outputLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Produces `lines` (one record each, via stdin) to `topic` with `kafka-console-producer`, then
 * consumes `lines.length` records with `kafka-console-consumer --from-beginning` and returns
 * what it printed. Does not judge: a producer failure is returned in its code and stderr, and
 * the consumer still runs (it then prints fewer lines).
 */
export async function consoleRoundTrip(
  dist: KafkaDist,
  bootstrap: string,
  topic: string,
  lines: readonly string[],
  opts: ConsoleRoundTripOptions = {},
): Promise<ConsoleRoundTripResult> {
  if (lines.some((l) => l.includes('\n'))) throw new RangeError('console producer lines cannot contain newlines');
  const consumerTimeoutMs = opts.consumerTimeoutMs ?? 30_000;
  const processTimeoutMs = opts.processTimeoutMs ?? consumerTimeoutMs + 60_000;

  const producer = await runKafkaClass(
    dist,
    consoleProducerClass(dist.version),
    ['--bootstrap-server', bootstrap, '--topic', topic],
    { stdin: lines.map((l) => `${l}\n`).join(''), timeoutMs: processTimeoutMs },
  );

  const consumerArgs = [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--from-beginning',
    '--max-messages',
    String(lines.length),
    '--timeout-ms',
    String(consumerTimeoutMs),
  ];
  if (opts.group) consumerArgs.push('--group', opts.group);
  const consumer = await runKafkaClass(dist, consoleConsumerClass(dist.version), consumerArgs, {
    timeoutMs: processTimeoutMs,
  });

  return {
    printed: outputLines(consumer.stdout),
    producerStderr: producer.stderr,
    consumerStderr: consumer.stderr,
    producerCode: producer.code,
    consumerCode: consumer.code,
  };
}
