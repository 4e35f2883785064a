import { createInterface } from 'node:readline';
import { CompressionTypes } from 'kafkajs';
import { kafkajsClient } from '../../drivers/kafkajs-client.ts';
import { targetError, usageError } from '../exit-codes.ts';
import { isTrue, parseProperties } from '../properties.ts';

/** Options of `kconform console-producer`. */
export interface ConsoleProducerOptions {
  bootstrapServer: string;
  topic: string;
  producerProperty?: string[];
  property?: string[];
  requestRequiredAcks: string;
}

function parseAcks(v: string): number {
  if (v === 'all' || v === '-1') return -1;
  if (v === '0' || v === '1') return Number(v);
  throw usageError(`acks must be 0, 1, -1 or all, got '${v}'`);
}

/**
 * `kconform console-producer`: like Kafka's kafka-console-producer, one record per stdin line,
 * optionally `key<sep>value` with parse.key=true. Lines are sent in order, in small batches;
 * at end of input everything is flushed before exiting.
 */
export async function consoleProducerCommand(opts: ConsoleProducerOptions): Promise<void> {
  const props = parseProperties(opts.property);
  const producerProps = parseProperties(opts.producerProperty);
  const acks = parseAcks(producerProps.get('acks') ?? opts.requestRequiredAcks);
  const parseKey = isTrue(props.get('parse.key'));
  const separator = props.get('key.separator') ?? '\t';
  const idempotent = acks === -1 && producerProps.get('enable.idempotence') !== 'false';
  const kafka = kafkajsClient(opts.bootstrapServer.split(','), 'console-producer');
  const producer = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined, allowAutoTopicCreation: true });
  try {
    await producer.connect();
  } catch (err) {
    throw targetError(`cannot reach ${opts.bootstrapServer}: ${(err as Error).message}`);
  }
  // Lines are sent as they come (an interactive user sees each one go out), batched when they
  // come faster than the broker answers; one chain of sends keeps them in order.
  let pending: { key: string | null; value: string }[] = [];
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown;
  const flush = () => {
    chain = chain.then(async () => {
      if (pending.length === 0 || failure) return;
      const messages = pending;
      pending = [];
      await producer.send({ topic: opts.topic, acks, compression: CompressionTypes.None, messages });
    }).catch((err: unknown) => {
      failure ??= err;
    });
  };
  try {
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      if (parseKey) {
        const at = line.indexOf(separator);
        if (at < 0) throw usageError(`no key separator '${separator}' in line: ${line}`);
        pending.push({ key: line.slice(0, at), value: line.slice(at + separator.length) });
      } else {
        pending.push({ key: null, value: line });
      }
      if (pending.length === 1 || pending.length >= 500) flush();
    }
    flush();
    await chain;
    if (failure) throw targetError(`produce to ${opts.topic} failed: ${(failure as Error).message}`);
  } finally {
    await producer.disconnect();
  }
}
