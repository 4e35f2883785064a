/**
 * What kconform's console-producer and console-consumer share: the broker list (Kafka's
 * `--bootstrap-server`, or `--broker-list` as Kafka 2.x–3.x's producer still took it), client
 * properties merged from a `.properties` file and `--*-property` flags (the flags win, as in
 * Kafka), and a quiet kafkajs logger: its lines are kept and shown only with --verbose, or
 * before the error when the command fails.
 */
import { logLevel, type Kafka } from 'kafkajs';
import { kafkajsClient } from '../../../harness/drivers/kafkajs-client.ts';
import { usageError } from '../exit-codes.ts';
import { loadPropertiesFile, parseProperties } from '../properties.ts';

/** The broker list of a console command, as Kafka's tools resolve it. */
export function resolveBootstrap(opts: { bootstrapServer?: string; brokerList?: string }): string[] {
  // Kafka 2.7's ConsoleProducer: --bootstrap-server wins over the deprecated --broker-list.
  const list = opts.bootstrapServer ?? opts.brokerList;
  if (list === undefined) throw usageError('Missing required argument "[bootstrap-server]"');
  const brokers = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(b)))
    throw usageError(`Please provide valid host:port like host1:9091,host2:9092 (got '${list}')`);
  return brokers;
}

/** Client properties: the file's, then the flags' over them (Kafka: the flags take precedence). */
export function clientProperties(configFile: string | undefined, flags: string[] | undefined): Map<string, string> {
  const props = configFile === undefined ? new Map<string, string>() : loadPropertiesFile(configFile);
  for (const [k, v] of parseProperties(flags)) props.set(k, v);
  for (const [k, v] of props) props.set(k, v.trim());
  return props;
}

/**
 * One line on stderr naming the properties kconform cannot honour with its client library,
 * as Kafka's clients warn of configurations "supplied but ... not used".
 */
export function warnUnused(props: Map<string, string>, honoured: readonly string[], kind: string): void {
  const unused = [...props.keys()].filter((k) => !honoured.includes(k));
  if (unused.length)
    process.stderr.write(
      `kconform: ${kind} properties not supported by kconform's client and ignored: ${unused.join(', ')}\n`,
    );
}

/** The kafkajs client of a console command and the log it writes to. */
export interface ConsoleClient {
  kafka: Kafka;
  /** Writes the kept client log lines to stderr (when the command is about to fail). */
  flushLog(): void;
}

/** A kafkajs client whose log lines go to stderr only with `verbose` (then from INFO up), else are kept for a failure. */
export function consoleClient(brokers: string[], clientId: string, verbose: boolean): ConsoleClient {
  const kept: string[] = [];
  const sink = verbose ? process.stderr : { write: (s: string) => kept.push(s) > 50 && kept.shift() };
  const kafka = kafkajsClient(brokers, clientId, verbose ? { logLevel: logLevel.INFO } : {}, sink);
  return { kafka, flushLog: () => process.stderr.write(kept.splice(0).join('')) };
}
