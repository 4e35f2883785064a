import { createInterface } from 'node:readline';
import type { Message } from 'kafkajs';
import { kafkajsCompression } from '../../load/kafkajs-codecs.ts';
import type { CompressionName } from '../../../protocol/records/batch-header.ts';
import { targetError, usageError } from '../exit-codes.ts';
import { isTrue, parseProperties } from '../properties.ts';
import { clientProperties, consoleClient, resolveBootstrap, warnUnused } from './console-common.ts';

/** Options of `kconform console-producer` (Kafka's kafka-console-producer flags). */
export interface ConsoleProducerOptions {
  bootstrapServer?: string;
  /** Kafka 2.x–3.x's deprecated name of --bootstrap-server. */
  brokerList?: string;
  topic: string;
  producerProperty?: string[];
  'producer.config'?: string;
  property?: string[];
  requestRequiredAcks?: string;
  /** A codec name, or true when the flag was given without one (Kafka: gzip). */
  compressionCodec?: string | true;
  sync?: boolean;
  requestTimeoutMs?: number;
  verbose?: boolean;
}

const CODECS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Producer properties kconform's client honours (the others get a one-line warning). */
const HONOURED = [
  'acks',
  'enable.idempotence',
  'client.id',
  'request.timeout.ms',
  'retries',
  'max.in.flight.requests.per.connection',
  'bootstrap.servers',
  'compression.type',
  'key.serializer',
  'value.serializer',
];

function parseAcks(v: string): -1 | 0 | 1 {
  const a = v.trim().toLowerCase();
  if (a === 'all' || a === '-1') return -1;
  if (a === '0' || a === '1') return Number(a) as 0 | 1;
  throw usageError(`Invalid value ${v} for configuration acks: String must be one of: all, -1, 0, 1`);
}

/** Kafka's ConsoleProducer puts compression.type from --compression-codec, over any property: none unless the flag is given, gzip when it has no value. */
function compressionOf(flag: string | true | undefined): CompressionName {
  if (flag === undefined) return 'none';
  const name = flag === true || flag === '' ? 'gzip' : flag.toLowerCase();
  if (!(CODECS as readonly string[]).includes(name))
    throw usageError(
      `Invalid value ${String(flag)} for configuration compression.type: String must be one of: ${CODECS.join(', ')}`,
    );
  return name as CompressionName;
}

function wholeNumber(props: Map<string, string>, key: string): number | undefined {
  const v = props.get(key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw usageError(`Invalid value ${v} for configuration ${key}: Not a number of type INT`);
  return Number(v);
}

/** How a stdin line becomes a record (Kafka's LineMessageReader and its --property settings). */
function lineReader(props: Map<string, string>): (line: string, n: number) => Message {
  const parseKey = isTrue(props.get('parse.key'));
  const separator = props.get('key.separator') ?? '\t';
  const ignoreError = isTrue(props.get('ignore.error'));
  const nullMarker = props.get('null.marker');
  const orNull = (s: string) => (nullMarker !== undefined && s === nullMarker ? null : s);
  return (line, n) => {
    if (!parseKey) return { key: null, value: orNull(line) };
    const at = line.indexOf(separator);
    if (at < 0) {
      if (ignoreError) return { key: null, value: orNull(line) };
      throw usageError(`No key separator found on line number ${n}: '${line}'`);
    }
    return { key: orNull(line.slice(0, at)), value: orNull(line.slice(at + separator.length)) };
  };
}

/**
 * `kconform console-producer`: like Kafka's kafka-console-producer, one record per stdin line
 * (optionally `key<sep>value` with parse.key=true). Lines are sent as they come, in order, in
 * small batches, or one at a time and each awaited with --sync; at end of input everything is
 * flushed before exiting.
 */
export async function consoleProducerCommand(opts: ConsoleProducerOptions): Promise<void> {
  const brokers = resolveBootstrap(opts);
  const props = clientProperties(opts['producer.config'], opts.producerProperty);
  const reader = lineReader(parseProperties(opts.property));
  // Kafka's precedence (CommandLineUtils.maybeMergeOptions): an explicit flag, then the property, then the flag's default.
  const acks = parseAcks(opts.requestRequiredAcks ?? props.get('acks') ?? '-1');
  const compression = compressionOf(opts.compressionCodec);
  const requestTimeoutMs = opts.requestTimeoutMs ?? wholeNumber(props, 'request.timeout.ms') ?? 1500;
  const idempotence = props.get('enable.idempotence');
  if (isTrue(idempotence) && acks !== -1)
    throw usageError(
      'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
    );
  // Kafka >= 3.0 produces idempotently by default when acks=all.
  const idempotent = acks === -1 && idempotence?.toLowerCase() !== 'false';
  const retries = wholeNumber(props, 'retries');
  const maxInFlight = wholeNumber(props, 'max.in.flight.requests.per.connection');
  warnUnused(props, HONOURED, 'producer');
  const client = consoleClient(brokers, props.get('client.id') ?? 'console-producer', Boolean(opts.verbose));
  const producer = client.kafka.producer({
    idempotent,
    maxInFlightRequests: idempotent ? 1 : maxInFlight,
    allowAutoTopicCreation: true,
    ...(retries === undefined ? {} : { retry: { retries: Math.min(retries, 10) } }),
  });
  const codec = kafkajsCompression(compression);
  const send = (messages: Message[]) =>
    producer.send({ topic: opts.topic, acks, compression: codec, timeout: requestTimeoutMs, messages });
  try {
    await producer.connect();
  } catch (err) {
    client.flushLog();
    throw targetError(`cannot reach ${brokers.join(',')}: ${(err as Error).message}`);
  }
  // Lines are sent as they come (an interactive user sees each one go out), batched when they
  // come faster than the broker answers; one chain of sends keeps them in order.
  let pending: Message[] = [];
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = () => {
    chain = chain
      .then(async () => {
        if (pending.length === 0 || failure) return;
        const messages = pending;
        pending = [];
        await send(messages);
      })
      .catch((err: unknown) => {
        failure ??= err;
      });
  };
  try {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      const message = reader(line, ++n);
      if (opts.sync) {
        // --sync: each record is sent alone and acknowledged before the next line is read.
        try {
          await send([message]);
        } catch (err) {
          failure = err;
          break;
        }
        continue;
      }
      pending.push(message);
      if (pending.length === 1 || pending.length >= 500) flush();
    }
    flush();
    await chain;
    if (failure) {
      client.flushLog();
      throw targetError(`produce to ${opts.topic} failed: ${(failure as Error).message}`);
    }
  } finally {
    await producer.disconnect();
  }
}
