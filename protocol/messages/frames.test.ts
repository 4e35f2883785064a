import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, Writer } from '../primitives/index.ts';
import { decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from './frames.ts';
import { API_NAMES, encodeRequestHeader, type MetadataRequest, type MetadataResponse } from './generated/index.ts';
import { requestHeaderVersion, responseHeaderVersion } from './headers.ts';
import { messageSchema, withDefaults } from './schema-arbitraries.ts';

describe('header versions', () => {
  it('follow the flexible versions of each API', () => {
    expect(requestHeaderVersion(0, 8)).toBe(1);
    expect(requestHeaderVersion(0, 9)).toBe(2);
    expect(requestHeaderVersion(3, 12)).toBe(2);
    expect(responseHeaderVersion(3, 8)).toBe(0);
    expect(responseHeaderVersion(3, 9)).toBe(1);
  });

  it('keep ApiVersions responses on header v0 and ControlledShutdown v0 on request header v0', () => {
    expect(requestHeaderVersion(18, 3)).toBe(2);
    expect(responseHeaderVersion(18, 3)).toBe(0);
    expect(responseHeaderVersion(18, 99)).toBe(0);
    expect(requestHeaderVersion(7, 0)).toBe(0);
  });

  it('treat versions above the highest known as flexible and unknown API keys as classic', () => {
    expect(requestHeaderVersion(18, 99)).toBe(2);
    expect(requestHeaderVersion(999, 0)).toBe(1);
    expect(API_NAMES[0]).toBe('Produce');
    expect(API_NAMES[7]).toBe('ControlledShutdown');
  });
});

const metadataRequest = withDefaults(messageSchema('MetadataRequest'), {
  topics: [{ topicId: '0b2f7c1e-5d3a-4f6b-9c8d-7e6f5a4b3c2d', name: 'orders' }],
  allowAutoTopicCreation: false,
  includeTopicAuthorizedOperations: true,
}) as unknown as MetadataRequest;

describe('request frames', () => {
  it('round-trip a flexible request with its size prefix and header v2', () => {
    const frame = encodeRequest({ apiKey: 3, apiVersion: 12, correlationId: 77, clientId: 'me' }, metadataRequest);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const { header, body } = decodeRequest<MetadataRequest>(frame.subarray(4));
    expect(header).toMatchObject({ requestApiKey: 3, requestApiVersion: 12, correlationId: 77, clientId: 'me' });
    expect(body).toEqual(metadataRequest);
  });

  it('can leave the size prefix out', () => {
    const withPrefix = encodeRequest({ apiKey: 3, apiVersion: 4, correlationId: 1, clientId: null }, metadataRequest);
    const without = encodeRequest(
      { apiKey: 3, apiVersion: 4, correlationId: 1, clientId: null },
      metadataRequest,
      false,
    );
    expect(without).toEqual(withPrefix.subarray(4));
    expect(decodeRequest(without).header.clientId).toBeNull();
  });

  it('reads the header and leaves the reader at the body', () => {
    const frame = encodeRequest({ apiKey: 3, apiVersion: 12, correlationId: 5, clientId: 'c' }, metadataRequest, false);
    const r = new Reader(frame);
    expect(decodeRequestHeader(r).correlationId).toBe(5);
    expect(r.offset).toBe(2 + 2 + 4 + 3 + 1);
  });

  it('reads header v0 for ControlledShutdown v0', () => {
    const frame = new Writer().int16(7).int16(0).int32(9).int32(1).result();
    const r = new Reader(frame);
    expect(decodeRequestHeader(r)).toMatchObject({
      requestApiKey: 7,
      requestApiVersion: 0,
      correlationId: 9,
      clientId: '',
    });
    expect(r.offset).toBe(8);
  });

  it('reject unknown API keys, unsupported versions, trailing bytes and short frames with a DecodeError', () => {
    const header = (apiKey: number, apiVersion: number): Writer => {
      const w = new Writer();
      encodeRequestHeader(
        w,
        { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: 1, clientId: 'x' },
        1,
      );
      return w;
    };
    expect(() => decodeRequest(header(999, 0).result())).toThrow(DecodeError);
    expect(() => decodeRequest(header(0, 2).result())).toThrow(/unsupported version 2/);
    const frame = encodeRequest({ apiKey: 3, apiVersion: 4, correlationId: 1, clientId: null }, metadataRequest, false);
    expect(() => decodeRequest(Buffer.concat([frame, Buffer.from([0])]))).toThrow(/trailing/);
    expect(() => decodeRequest(Buffer.from([0, 3]))).toThrow(DecodeError);
  });

  it("ignore trailing bytes when asked, as Kafka's broker does (librdkafka's 4-byte null topics array)", () => {
    const frame = encodeRequest(
      { apiKey: 3, apiVersion: 12, correlationId: 1, clientId: 'rdkafka' },
      { ...metadataRequest, topics: null, allowAutoTopicCreation: true },
      false,
    );
    // librdkafka >= 2.1: the null array's count as 00 00 00 00, so 3 bytes are left after the tagged fields
    const headerEnd = frame.length - 4;
    const padded = Buffer.concat([frame.subarray(0, headerEnd), Buffer.from([0, 0, 0]), frame.subarray(headerEnd)]);
    expect(() => decodeRequest(padded)).toThrow(/3 unexpected trailing bytes/);
    const { body } = decodeRequest<MetadataRequest>(padded, { trailingBytes: 'ignore' });
    expect(body).toMatchObject({
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(() => decodeRequest(frame.subarray(0, frame.length - 1), { trailingBytes: 'ignore' })).toThrow(DecodeError);
  });

  it('refuse to encode an unknown API key or version', () => {
    expect(() => encodeRequest({ apiKey: 999, apiVersion: 0, correlationId: 1, clientId: null }, {})).toThrow(
      RangeError,
    );
    expect(() =>
      encodeRequest({ apiKey: 3, apiVersion: 99, correlationId: 1, clientId: null }, metadataRequest),
    ).toThrow(RangeError);
  });
});

describe('response frames', () => {
  const response = withDefaults(messageSchema('MetadataResponse'), {
    brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
    clusterId: 'c1',
    controllerId: 1,
  }) as unknown as MetadataResponse;

  for (const version of [4, 12]) {
    it(`round-trip MetadataResponse v${version} with and without the size prefix`, () => {
      const frame = encodeResponse(3, version, 42, response);
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
      const a = decodeResponse<MetadataResponse>(3, version, frame, true);
      const b = decodeResponse<MetadataResponse>(3, version, frame.subarray(4));
      expect(a.header.correlationId).toBe(42);
      expect(b.body).toEqual(a.body);
      expect(a.body.brokers).toEqual(response.brokers);
    });
  }

  it('keeps ApiVersions responses on header v0 even in flexible versions', () => {
    const body = withDefaults(messageSchema('ApiVersionsResponse'), {
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
    });
    const frame = encodeResponse(18, 3, 1, body);
    // size, correlation id, then the body straight away: error code 0, compact array of 1.
    expect(frame.subarray(8, 11)).toEqual(Buffer.from([0, 0, 2]));
    expect(decodeResponse(18, 3, frame, true).body).toEqual(body);
  });

  it('reject a wrong size prefix and trailing bytes', () => {
    const frame = encodeResponse(3, 4, 1, response);
    frame.writeInt32BE(1, 0);
    expect(() => decodeResponse(3, 4, frame, true)).toThrow(DecodeError);
    expect(() => decodeResponse(3, 4, Buffer.concat([frame.subarray(4), Buffer.from([1])]))).toThrow(/trailing/);
  });
});
