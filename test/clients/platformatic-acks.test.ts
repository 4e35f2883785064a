/**
 * A client finding of the matrix, kept as a test so an upgrade that fixes it shows up:
 * @platformatic/kafka 2.12.1's `send()` ignores the `acks` given to the Producer constructor
 * (dist/clients/producer/producer.js: `options.acks ??= idempotent ? ALL : LEADER` reads only the
 * send options, while compression falls back to the constructor's). A producer built with
 * acks=0 therefore waits for acks=1 answers; the matrix's driver passes acks with every send.
 * Observable on the wire: with acks=0 the broker sends no Produce answer, so no offsets come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer, stringSerializers } from '@platformatic/kafka';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

async function sendOnce(constructorAcks: 0 | undefined, sendAcks: 0 | undefined): Promise<boolean> {
  const producer = new Producer({
    clientId: 'kconform-acks-probe',
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
    ...(constructorAcks === undefined ? {} : { acks: constructorAcks }),
  });
  try {
    const r = await producer.send({
      autocreateTopics: true,
      ...(sendAcks === undefined ? {} : { acks: sendAcks }),
      messages: [{ topic: uniqueTopic('packs'), partition: 0, key: 'k', value: 'v' }],
    });
    return (r.offsets?.length ?? 0) > 0;
  } finally {
    await producer.close();
  }
}

describe('@platformatic/kafka 2.12.1 and acks', () => {
  it('honours acks=0 given to send(): no answer, no offsets', async () => {
    expect(await sendOnce(undefined, 0)).toBe(false);
  });

  it('ignores acks=0 given to the Producer constructor: it waits for an answer (acks=1) and gets offsets', async () => {
    expect(await sendOnce(0, undefined)).toBe(true);
  });
});
