/**
 * Request and response frames (size prefix, header, body) over the codecs registered in
 * codec-registry.ts. Every function needs the codec of its API key loaded: import frames.ts for
 * all of them, or await loadCodecs for the few a process uses.
 */
import { DecodeError, Reader, Writer } from '../primitives/index.ts';
import type { MessageDescriptor } from './codec-support.ts';
import { requestCodec, responseCodec } from './codec-registry.ts';
import {
  decodeRequestHeader as decodeRequestHeaderBody,
  encodeRequestHeader,
  type RequestHeader,
} from './generated/request-header.ts';
import { decodeResponseHeader, encodeResponseHeader, type ResponseHeader } from './generated/response-header.ts';
import { requestHeaderVersion, responseHeaderVersion } from './headers.ts';

/** The header fields a caller chooses for a request. */
export interface RequestHeaderInput {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** A decoded request: its header and its body (the message type of the header's API key). */
export interface DecodedRequest<T = unknown> {
  readonly header: RequestHeader;
  readonly body: T;
}

/** A decoded response: its header (the correlation ID) and its body. */
export interface DecodedResponse<T = unknown> {
  readonly header: ResponseHeader;
  readonly body: T;
}

function descriptor(
  codec: (apiKey: number) => MessageDescriptor | undefined,
  apiKey: number,
  kind: string,
): MessageDescriptor {
  const d = codec(apiKey);
  if (!d) throw new RangeError(`no ${kind} codec for API key ${apiKey}`);
  return d;
}

/**
 * Encodes a whole request: header (the version the API needs) and body, by default behind the
 * int32 size prefix that frames it on the wire. Throws RangeError for an unknown API key or a
 * version the codec does not know.
 */
export function encodeRequest(header: RequestHeaderInput, body: unknown, withSizePrefix = true): Buffer {
  const d = descriptor(requestCodec, header.apiKey, 'request');
  const w = new Writer(256);
  if (withSizePrefix) w.int32(0);
  const hv = requestHeaderVersion(header.apiKey, header.apiVersion);
  if (hv === 0) {
    w.int16(header.apiKey).int16(header.apiVersion).int32(header.correlationId);
  } else {
    const h: RequestHeader = {
      requestApiKey: header.apiKey,
      requestApiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
    };
    encodeRequestHeader(w, h, hv);
  }
  d.encode(w, body, header.apiVersion);
  if (withSizePrefix) w.buf.writeInt32BE(w.offset - 4, 0);
  return w.result();
}

/**
 * Reads a request header from a frame (the bytes after the size prefix): peeks at the API key
 * and version to learn which header version follows, then decodes it. Leaves `r` at the body.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  r.need(4, 'RequestHeader.RequestApiKey');
  const apiKey = r.buf.readInt16BE(r.offset);
  const apiVersion = r.buf.readInt16BE(r.offset + 2);
  const hv = requestHeaderVersion(apiKey, apiVersion);
  if (hv === 0) {
    // Header v0 (ControlledShutdown v0 only) has no client ID; Kafka's default is "".
    const requestApiKey = r.int16('RequestHeader.RequestApiKey');
    const requestApiVersion = r.int16('RequestHeader.RequestApiVersion');
    const correlationId = r.int32('RequestHeader.CorrelationId');
    return { requestApiKey, requestApiVersion, correlationId, clientId: '', _unknownTaggedFields: undefined };
  }
  return decodeRequestHeaderBody(r, hv);
}

/** Options of {@link decodeRequest}. */
export interface DecodeRequestOptions {
  /**
   * What to do with bytes after the body's last field. `reject` (the default, for tools and
   * codec tests): a DecodeError. `ignore`: what a Kafka broker does — `AbstractRequest.parseRequest`
   * reads the fields its version knows from the buffer and never looks at what is left, for every
   * API and version, flexible or not. Real clients rely on it: librdkafka >= 2.1 writes the null
   * topics array of a flexible Metadata request in 4 bytes where 1 belongs (librdkafka #5049),
   * which leaves 3 bytes over.
   */
  readonly trailingBytes?: 'reject' | 'ignore';
}

/**
 * Decodes a whole request frame (without its size prefix): header and body. Throws a
 * DecodeError for an unknown API key, an unsupported version, a malformed body or (unless
 * `trailingBytes: 'ignore'`) trailing bytes.
 */
export function decodeRequest<T = unknown>(frame: Buffer, opts: DecodeRequestOptions = {}): DecodedRequest<T> {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r);
  const d = requestCodec(header.requestApiKey);
  if (!d) throw new DecodeError(`unknown API key ${header.requestApiKey}`, 'RequestHeader.RequestApiKey', 0);
  const body = d.decode(r, header.requestApiVersion) as T;
  if (opts.trailingBytes !== 'ignore' && r.remaining() !== 0)
    r.fail(`${r.remaining()} unexpected trailing bytes`, d.name);
  return { header, body };
}

/** Encodes a whole response, header and body, behind its int32 size prefix. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: unknown): Buffer {
  const d = descriptor(responseCodec, apiKey, 'response');
  const w = new Writer(256);
  w.int32(0);
  encodeResponseHeader(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion));
  d.encode(w, body, apiVersion);
  w.buf.writeInt32BE(w.offset - 4, 0);
  return w.result();
}

/**
 * Decodes a response frame to a request of `apiKey` at `apiVersion` (a response does not name
 * its API; the caller knows it from the correlation ID). `frame` is the bytes after the size
 * prefix unless `hasSizePrefix` is set. Throws a DecodeError if it is malformed or has bytes left.
 */
export function decodeResponse<T = unknown>(
  apiKey: number,
  apiVersion: number,
  frame: Buffer,
  hasSizePrefix = false,
): DecodedResponse<T> {
  const d = responseCodec(apiKey);
  const r = new Reader(frame);
  if (!d) throw new DecodeError(`unknown API key ${apiKey}`, 'ResponseHeader', 0);
  if (hasSizePrefix) {
    const size = r.int32('ResponseSize');
    if (size !== r.remaining()) r.fail(`size prefix ${size} but ${r.remaining()} bytes follow`, 'ResponseSize');
  }
  const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = d.decode(r, apiVersion) as T;
  if (r.remaining() !== 0) r.fail(`${r.remaining()} unexpected trailing bytes`, d.name);
  return { header, body };
}
