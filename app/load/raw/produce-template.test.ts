import { describe, expect, it } from 'vitest';
import { decodeRequest } from '../../../protocol/messages/frame-codec.ts';
import { loadCodecs } from '../../../protocol/messages/codec-registry.ts';
import { ApiKey } from '../../../protocol/messages/generated/api-keys.ts';
import type { ProduceRequest } from '../../../protocol/messages/generated/produce-request.ts';
import { decodeRecordBatch } from '../../../protocol/records/record-batch.ts';
import { readBatchHeader } from '../../../protocol/records/batch-header.ts';
import { crc32c } from '../../../protocol/records/crc32c.ts';
import {
  buildProduceTemplate,
  recordValue,
  requestBytes,
  TemplateCache,
  type TemplateSettings,
} from './produce-template.ts';

await loadCodecs([ApiKey.Produce]);

const settings = (over: Partial<TemplateSettings> = {}): TemplateSettings => ({
  topic: 'load',
  version: 9,
  acks: -1,
  timeoutMs: 30_000,
  recordSize: 64,
  compression: 'none',
  clientId: 'kconform-load',
  ...over,
});

/** Decodes the bytes requestBytes gives as a broker would read them. */
function decode(parts: readonly Buffer[]) {
  const frame = Buffer.concat(parts);
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  return decodeRequest<ProduceRequest>(frame.subarray(4));
}

describe('produce templates', () => {
  it.each([3, 8, 9, 12])(
    'v%i: the request decodes to one batch of n records with the value, correlation id patched',
    (version) => {
      const t = buildProduceTemplate(settings({ version }), 2, 5);
      const req = decode(requestBytes(t, 4242));
      expect(req.header.correlationId).toBe(4242);
      expect(req.header.requestApiVersion).toBe(version);
      expect(req.body.acks).toBe(-1);
      const pd = req.body.topicData[0]!.partitionData[0]!;
      expect(pd.index).toBe(2);
      const batch = decodeRecordBatch(pd.records!, 0, { verifyCrc: true });
      expect(batch.records.length).toBe(5);
      expect(batch.records.every((r) => r.value!.equals(recordValue(64)))).toBe(true);
      expect(batch.producerId).toBe(-1);
    },
  );

  it('compressed batches hold the same records', () => {
    const t = buildProduceTemplate(settings({ compression: 'gzip', recordSize: 1000 }), 0, 20);
    const pd = decode(requestBytes(t, 1)).body.topicData[0]!.partitionData[0]!;
    expect(pd.records!.length).toBeLessThan(20 * 1000);
    const batch = decodeRecordBatch(pd.records!);
    expect(batch.records.map((r) => r.value!.length)).toEqual(Array(20).fill(1000));
  });

  it('an idempotent request gets its base sequence and a CRC that matches; the template is left as it was', () => {
    const t = buildProduceTemplate(settings({ producer: { id: 77, epoch: 3 } }), 1, 4);
    const before = Buffer.from(t.frame);
    const records = decode(requestBytes(t, 9, 1234)).body.topicData[0]!.partitionData[0]!.records!;
    const h = readBatchHeader(records);
    expect(h.baseSequence).toBe(1234);
    expect(h.producerId).toBe(77);
    expect(h.producerEpoch).toBe(3);
    expect(h.crc).toBe(crc32c(records, 21, records.length));
    expect(t.frame.equals(before)).toBe(true);
  });

  it('shares the body of a non-idempotent request instead of copying it', () => {
    const t = buildProduceTemplate(settings(), 0, 3);
    const [, body1] = requestBytes(t, 1);
    const [, body2] = requestBytes(t, 2);
    expect(body1.buffer).toBe(t.frame.buffer);
    expect(body2.byteOffset).toBe(body1.byteOffset);
  });

  it('encodes each shape once', () => {
    const cache = new TemplateCache(settings(), 100);
    expect(cache.get(0, 100)).toBe(cache.get(0, 100));
    expect(cache.get(1, 100)).not.toBe(cache.get(0, 100));
    expect(cache.get(0, 7).records).toBe(7);
    expect(cache.size).toBe(3);
  });
});
