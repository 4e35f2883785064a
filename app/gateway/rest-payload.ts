/**
 * Decoding the body of a REST Proxy v3 produce request
 * (POST /v3/clusters/{cluster_id}/topics/{topic_name}/records):
 *
 *   { "partition_id": 1, "headers": [{"name": "h", "value": "<base64>"}],
 *     "key": {"type": "STRING", "data": "k"}, "value": {"type": "JSON", "data": {...}},
 *     "timestamp": "2024-01-01T00:00:00Z" }
 *
 * Every field is optional. Embedded formats: STRING (a string, sent as UTF-8), JSON (any JSON
 * value, sent as its JSON text) and BINARY (base64, sent decoded). AVRO, PROTOBUF and JSONSCHEMA
 * need a schema registry, which the gateway does not have: 400. A key or value without a type is
 * 400 too (REST Proxy would look up a schema). Unknown fields are ignored.
 */
import { badRequest } from './http-errors.ts';

/** Embedded formats the gateway serializes. */
export type EmbeddedFormat = 'STRING' | 'JSON' | 'BINARY';

/** One record to produce, serialized. */
export interface ProduceRecordRequest {
  /** Null when the request has no key (or a null one). */
  readonly key: Buffer | null;
  readonly keyType: EmbeddedFormat | undefined;
  readonly value: Buffer | null;
  readonly valueType: EmbeddedFormat | undefined;
  readonly headers: readonly { readonly name: string; readonly value: Buffer | null }[];
  readonly partitionId: number | undefined;
  /** Epoch ms; undefined: the gateway's clock when it sends. */
  readonly timestamp: number | undefined;
}

const SCHEMA_FORMATS = new Set(['AVRO', 'PROTOBUF', 'JSONSCHEMA']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(s: unknown, what: string): Buffer {
  if (typeof s !== 'string') throw badRequest(`${what} must be a base64 string`);
  const compact = s.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) throw badRequest(`${what} is not valid base64`);
  return Buffer.from(compact, 'base64');
}

function decodeData(field: unknown, what: 'key' | 'value'): { bytes: Buffer | null; type: EmbeddedFormat | undefined } {
  if (field === undefined || field === null) return { bytes: null, type: undefined };
  if (typeof field !== 'object' || Array.isArray(field))
    throw badRequest(`${what} must be an object {"type": ..., "data": ...}`);
  const f = field as { type?: unknown; data?: unknown };
  if (f.type === undefined || f.type === null)
    throw badRequest(
      `${what}.type is required (STRING, JSON or BINARY): this gateway has no schema registry to look a schema up in`,
    );
  if (typeof f.type !== 'string') throw badRequest(`${what}.type must be a string`);
  const type = f.type.toUpperCase();
  if (SCHEMA_FORMATS.has(type))
    throw badRequest(
      `${what}.type ${type} needs a schema registry, which this gateway does not have; use STRING, JSON or BINARY`,
    );
  if (type !== 'STRING' && type !== 'JSON' && type !== 'BINARY')
    throw badRequest(`${what}.type must be STRING, JSON or BINARY, got '${f.type}'`);
  if (f.data === undefined || f.data === null) return { bytes: null, type };
  switch (type) {
    case 'STRING':
      if (typeof f.data !== 'string') throw badRequest(`${what}.data must be a string for type STRING`);
      return { bytes: Buffer.from(f.data, 'utf8'), type };
    case 'JSON':
      return { bytes: Buffer.from(JSON.stringify(f.data), 'utf8'), type };
    case 'BINARY':
      return { bytes: decodeBase64(f.data, `${what}.data`), type };
  }
}

function decodeHeaders(headers: unknown): { name: string; value: Buffer | null }[] {
  if (headers === undefined || headers === null) return [];
  if (!Array.isArray(headers)) throw badRequest('headers must be an array of {"name": ..., "value": <base64>}');
  return headers.map((h, i) => {
    if (typeof h !== 'object' || h === null) throw badRequest(`headers[${i}] must be an object`);
    const { name, value } = h as { name?: unknown; value?: unknown };
    if (typeof name !== 'string') throw badRequest(`headers[${i}].name must be a string`);
    return { name, value: value === undefined || value === null ? null : decodeBase64(value, `headers[${i}].value`) };
  });
}

/**
 * Parses and validates a produce request body.
 * @throws GatewayHttpError 400 for bad JSON or a malformed request
 */
export function decodeProduceRequest(body: string): ProduceRecordRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    // Several concatenated JSON objects (REST Proxy's streamed mode) land here too.
    throw badRequest(
      `Bad Request: malformed JSON: ${(err as Error).message}${/^\s*\{[\s\S]*\}\s*\{/.test(body) ? ' (streamed produce, several records in one request, is not supported by this gateway)' : ''}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw badRequest('Bad Request: the body must be one JSON object');
  const p = parsed as Record<string, unknown>;
  const key = decodeData(p.key, 'key');
  const value = decodeData(p.value, 'value');
  let partitionId: number | undefined;
  if (p.partition_id !== undefined && p.partition_id !== null) {
    if (
      typeof p.partition_id !== 'number' ||
      !Number.isInteger(p.partition_id) ||
      p.partition_id < 0 ||
      p.partition_id > 2 ** 31 - 1
    )
      throw badRequest('partition_id must be a non-negative integer');
    partitionId = p.partition_id;
  }
  let timestamp: number | undefined;
  if (p.timestamp !== undefined && p.timestamp !== null) {
    const t = typeof p.timestamp === 'string' ? Date.parse(p.timestamp) : NaN;
    if (!Number.isFinite(t)) throw badRequest('timestamp must be an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z');
    timestamp = t;
  }
  return {
    key: key.bytes,
    keyType: key.type,
    value: value.bytes,
    valueType: value.type,
    headers: decodeHeaders(p.headers),
    partitionId,
    timestamp,
  };
}

/** Bytes a record takes on the wire, roughly as the Java producer counts it against max.request.size. */
export function serializedSize(r: ProduceRecordRequest): number {
  let n = 70 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += Buffer.byteLength(h.name) + (h.value?.length ?? 0) + 4;
  return n;
}
