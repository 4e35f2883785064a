import { describe, expect, it } from 'vitest';
import { GatewayHttpError } from './http-errors.ts';
import { decodeProduceRequest, serializedSize } from './rest-payload.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function rejects(body: string, message: RegExp): void {
  let caught: unknown;
  try {
    decodeProduceRequest(body);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(GatewayHttpError);
  expect((caught as GatewayHttpError).status).toBe(400);
  expect((caught as GatewayHttpError).errorCode).toBe(400);
  expect((caught as GatewayHttpError).message).toMatch(message);
}

describe('decodeProduceRequest', () => {
  it('serializes STRING as UTF-8, JSON as its JSON text and BINARY from base64', () => {
    const r = decodeProduceRequest(
      JSON.stringify({ key: { type: 'STRING', data: 'clé' }, value: { type: 'JSON', data: { a: [1, 'x'] } } }),
    );
    expect(r.key).toEqual(Buffer.from('clé', 'utf8'));
    expect(r.keyType).toBe('STRING');
    expect(r.value!.toString()).toBe('{"a":[1,"x"]}');
    expect(r.valueType).toBe('JSON');
    const bin = decodeProduceRequest(JSON.stringify({ value: { type: 'BINARY', data: b64('\u0000\u00ff raw') } }));
    expect(bin.value).toEqual(Buffer.from('\u0000\u00ff raw'));
    expect(bin.key).toBeNull();
    expect(bin.keyType).toBeUndefined();
  });

  it('accepts an empty object: a record with no key, no value, no headers', () => {
    expect(decodeProduceRequest('{}')).toEqual({
      key: null,
      keyType: undefined,
      value: null,
      valueType: undefined,
      headers: [],
      partitionId: undefined,
      timestamp: undefined,
    });
  });

  it('reads the type case-insensitively and null data as a null value', () => {
    const r = decodeProduceRequest(JSON.stringify({ value: { type: 'string', data: null } }));
    expect(r.value).toBeNull();
    expect(r.valueType).toBe('STRING');
  });

  it('decodes headers (base64 values, null allowed), partition_id and timestamp', () => {
    const r = decodeProduceRequest(
      JSON.stringify({
        headers: [
          { name: 'h1', value: b64('v1') },
          { name: 'h2', value: null },
        ],
        partition_id: 2,
        timestamp: '2024-01-02T03:04:05.678Z',
      }),
    );
    expect(r.headers).toEqual([
      { name: 'h1', value: Buffer.from('v1') },
      { name: 'h2', value: null },
    ]);
    expect(r.partitionId).toBe(2);
    expect(r.timestamp).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  });

  it('answers 400 for malformed JSON, and says streamed mode is not served', () => {
    rejects('{"value": ', /malformed JSON/);
    rejects(
      '{"value":{"type":"STRING","data":"a"}}{"value":{"type":"STRING","data":"b"}}',
      /streamed produce.*not supported/,
    );
    rejects('[1,2]', /one JSON object/);
    rejects('"x"', /one JSON object/);
  });

  it('answers 400 for fields of the wrong type', () => {
    rejects(JSON.stringify({ value: 'x' }), /value must be an object/);
    rejects(JSON.stringify({ value: { data: 'x' } }), /value\.type is required/);
    rejects(JSON.stringify({ key: { type: 'AVRO', data: {} } }), /schema registry/);
    rejects(JSON.stringify({ key: { type: 'XML', data: 'x' } }), /STRING, JSON or BINARY/);
    rejects(JSON.stringify({ value: { type: 'STRING', data: 5 } }), /must be a string/);
    rejects(JSON.stringify({ value: { type: 'BINARY', data: 'not base64!' } }), /not valid base64/);
    rejects(JSON.stringify({ partition_id: -1 }), /partition_id/);
    rejects(JSON.stringify({ partition_id: 1.5 }), /partition_id/);
    rejects(JSON.stringify({ timestamp: 'yesterday' }), /timestamp/);
    rejects(JSON.stringify({ headers: { a: 'b' } }), /headers must be an array/);
    rejects(JSON.stringify({ headers: [{ value: b64('x') }] }), /headers\[0\]\.name/);
  });

  it('counts key, value and headers in the serialized size', () => {
    const r = decodeProduceRequest(
      JSON.stringify({
        key: { type: 'STRING', data: 'k' },
        value: { type: 'STRING', data: 'x'.repeat(1000) },
        headers: [{ name: 'h', value: b64('vv') }],
      }),
    );
    expect(serializedSize(r)).toBeGreaterThan(1000 + 1 + 1 + 2);
  });
});
