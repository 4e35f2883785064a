import { DecodeError } from '../primitives/index.ts';

/**
 * The records section of a v2 batch: `recordsCount` records, each
 *
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headerCount varint |
 *   [headerKeyLength varint | headerKey | headerValueLength varint | headerValue]…
 *
 * (all varints zig-zag). This is the hot path of every produce and fetch, so it is written
 * for speed: sizes are computed first so the encoder writes into one preallocated buffer,
 * varints are read and written inline on the bytes, and decoded keys and values are views
 * into the input rather than copies.
 */

/** One header of a record. Keys are UTF-8 strings; values may be null. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record of a v2 batch, with its offset and timestamp relative to the batch's. */
export interface KafkaRecord {
  /** Unused by Kafka so far; written and read as is. */
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

const TWO_32 = 2 ** 32;
/** Beyond this magnitude zig-zag encoding (2|v|-1) no longer fits a double exactly. */
const ZIGZAG_EXACT = 2 ** 52;
/** Smallest possible record: length, attributes, timestamp, offset, key, value, header count. */
export const MIN_RECORD_SIZE = 7;

/** Bytes a uvarint of `u` (non-negative, < 2^64) takes. */
function uvarintSize(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  if (u < 0x800000000) return 5;
  let n = 5;
  u = Math.floor(u / 0x800000000);
  while (u > 0) {
    n++;
    u = Math.floor(u / 128);
  }
  return n;
}

/** Bytes a zig-zag varint of the int32 `v` takes. */
function varintSize(v: number): number {
  return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0);
}

/** Bytes a zig-zag varlong of the safe integer `v` takes. */
function varlongSize(v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return uvarintSize(((v << 1) ^ (v >> 31)) >>> 0);
  if (v >= ZIGZAG_EXACT || v <= -ZIGZAG_EXACT) return uvarintSize(Number(zigzagBig(v)));
  return uvarintSize(v >= 0 ? v * 2 : -v * 2 - 1);
}

function zigzagBig(v: number): bigint {
  const b = BigInt(v);
  return BigInt.asUintN(64, (b << 1n) ^ (b >> 63n));
}

/** Writes the uvarint `u` (non-negative, < 2^53) at `p`; returns the position after it. */
function writeUvarint(buf: Buffer, p: number, u: number): number {
  if (u < 0x80000000) {
    while (u >= 0x80) {
      buf[p++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
  } else {
    while (u >= 0x80) {
      buf[p++] = (u % 128) | 0x80;
      u = Math.floor(u / 128);
    }
  }
  buf[p++] = u;
  return p;
}

function writeVarint(buf: Buffer, p: number, v: number): number {
  return writeUvarint(buf, p, ((v << 1) ^ (v >> 31)) >>> 0);
}

function writeVarlong(buf: Buffer, p: number, v: number): number {
  if (v >= -0x40000000 && v < 0x40000000) return writeUvarint(buf, p, ((v << 1) ^ (v >> 31)) >>> 0);
  if (v < ZIGZAG_EXACT && v > -ZIGZAG_EXACT) return writeUvarint(buf, p, v >= 0 ? v * 2 : -v * 2 - 1);
  let u = zigzagBig(v);
  while (u >= 0x80n) {
    buf[p++] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  buf[p++] = Number(u);
  return p;
}

/** Size of the nullable bytes `b` with its varint length. */
function bytesSize(b: Uint8Array | null): number {
  return b === null ? 1 : varintSize(b.length) + b.length;
}

function writeBytes(buf: Buffer, p: number, b: Uint8Array | null): number {
  if (b === null) {
    buf[p] = 1; // zig-zag -1
    return p + 1;
  }
  const n = b.length;
  p = writeVarint(buf, p, n);
  // Short values: a byte loop beats the fixed cost of a native copy.
  if (n < 16) {
    for (let i = 0; i < n; i++) buf[p + i] = b[i]!;
  } else {
    buf.set(b, p);
  }
  return p + n;
}

function checkInt32(v: number, what: string): void {
  if ((v | 0) !== v) throw new RangeError(`${what} ${v} is not an int32`);
}

/**
 * Computes each record's body size (everything after its length varint) into `bodySizes`
 * and returns the size of the whole records section.
 * @throws RangeError when a field is out of its wire range (a caller bug, not bad input)
 */
export function measureRecords(records: readonly KafkaRecord[], bodySizes: Int32Array): number {
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    checkInt32(r.offsetDelta, 'offsetDelta');
    if (!Number.isSafeInteger(r.timestampDelta))
      throw new RangeError(`timestampDelta ${r.timestampDelta} is not a safe integer`);
    let size = 1 + varlongSize(r.timestampDelta) + varintSize(r.offsetDelta) + bytesSize(r.key) + bytesSize(r.value);
    const headers = r.headers;
    size += uvarintSize(headers.length * 2);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const keyLen = Buffer.byteLength(header.key, 'utf8');
      size += varintSize(keyLen) + keyLen + bytesSize(header.value);
    }
    bodySizes[i] = size;
    total += uvarintSize(size * 2) + size;
  }
  return total;
}

/**
 * Writes the records at `p` using the body sizes from {@link measureRecords}; the caller has
 * sized `buf` from its result. Returns the position after the last record.
 */
export function writeRecords(buf: Buffer, p: number, records: readonly KafkaRecord[], bodySizes: Int32Array): number {
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    p = writeUvarint(buf, p, bodySizes[i]! * 2);
    buf[p++] = r.attributes & 0xff;
    p = writeVarlong(buf, p, r.timestampDelta);
    p = writeVarint(buf, p, r.offsetDelta);
    p = writeBytes(buf, p, r.key);
    p = writeBytes(buf, p, r.value);
    const headers = r.headers;
    p = writeUvarint(buf, p, headers.length * 2);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const keyLen = Buffer.byteLength(header.key, 'utf8');
      p = writeVarint(buf, p, keyLen);
      p += buf.write(header.key, p, keyLen, 'utf8');
      p = writeBytes(buf, p, header.value);
    }
  }
  return p;
}

/**
 * Reads `count` records from `buf[start, end)`, which they must fill exactly.
 * Keys and values are views into `buf`.
 * @param at added to positions in error offsets
 * @param where prefix for error field names (says when offsets are within decompressed data)
 * @throws DecodeError naming the record and field on any malformed or truncated record
 */
export function readRecords(buf: Buffer, start: number, end: number, count: number, at = 0, where = ''): KafkaRecord[] {
  const r = new RecordsReader(buf, start, end, at, where);
  if (count < 0 || count > (end - start) / MIN_RECORD_SIZE) {
    r.fail(`${count} records cannot fit in ${end - start} bytes`, 'RecordBatch.RecordsCount');
  }
  const records = new Array<KafkaRecord>(count);
  for (let i = 0; i < count; i++) records[i] = r.record(i);
  if (r.pos !== end) r.fail(`${end - r.pos} bytes left after the declared ${count} records`, 'RecordBatch.Records');
  return records;
}

/** Cursor over a records section; every read is bounds-checked against `end`. */
class RecordsReader {
  readonly buf: Buffer;
  pos: number;
  end: number;
  readonly at: number;
  readonly where: string;

  constructor(buf: Buffer, pos: number, end: number, at: number, where: string) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.at = at;
    this.where = where;
  }

  fail(reason: string, field: string): never {
    throw new DecodeError(reason, this.where === '' ? field : `${this.where}.${field}`, this.at + this.pos);
  }

  /** Zig-zag varint of at most 5 bytes, decoded as Java's ByteUtils.readVarint does. */
  varint(field: string): number {
    const buf = this.buf;
    let p = this.pos;
    const end = this.end;
    if (p >= end) this.fail('truncated varint', field);
    let b = buf[p++]!;
    let u = b & 0x7f;
    if (b >= 0x80) {
      for (let shift = 7; ; shift += 7) {
        if (shift > 28) {
          this.pos = p;
          this.fail('varint longer than 5 bytes', field);
        }
        if (p >= end) {
          this.pos = p;
          this.fail('truncated varint', field);
        }
        b = buf[p++]!;
        u |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = p;
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zig-zag varlong of at most 10 bytes, rejected unless it is a safe integer. */
  varlong(field: string): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    const end = this.end;
    let u = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (i === 10) {
        this.pos = p;
        this.fail('varlong longer than 10 bytes', field);
      }
      if (p >= end) {
        this.pos = p;
        this.fail('truncated varlong', field);
      }
      const b = buf[p++]!;
      u += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 128;
    }
    this.pos = p;
    // Up to 7 bytes (49 bits) the double sum is exact; longer encodings go through BigInt.
    if (p - start <= 7) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    let big = 0n;
    for (let i = p - 1; i >= start; i--) big = (big << 7n) | BigInt(buf[i]! & 0x7f);
    big = BigInt.asUintN(64, big);
    const v = Number(BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n)));
    if (!Number.isSafeInteger(v)) {
      this.pos = start;
      this.fail(`varlong ${BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n))} is not a safe integer`, field);
    }
    return v;
  }

  /** varint length then bytes; -1 means null. */
  nullableBytes(field: string): Buffer | null {
    const n = this.varint(field);
    if (n < 0) {
      if (n === -1) return null;
      this.fail(`negative length ${n}`, field);
    }
    const p = this.pos;
    if (n > this.end - p) this.fail(`length ${n} exceeds the ${this.end - p} bytes left`, field);
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  record(index: number): KafkaRecord {
    const length = this.varint('Record.Length');
    if (length < 0 || length > this.end - this.pos) {
      this.fail(`record ${index} length ${length} exceeds the ${this.end - this.pos} bytes left`, 'Record.Length');
    }
    const recordEnd = this.pos + length;
    // Bound every field read by the record's own length, as Kafka does.
    const outerEnd = this.end;
    this.end = recordEnd;
    if (this.pos >= recordEnd) this.fail('truncated record', 'Record.Attributes');
    const attributes = this.buf[this.pos++]!;
    const timestampDelta = this.varlong('Record.TimestampDelta');
    const offsetDelta = this.varint('Record.OffsetDelta');
    const key = this.nullableBytes('Record.Key');
    const value = this.nullableBytes('Record.Value');
    const headerCount = this.varint('Record.Headers');
    if (headerCount < 0) this.fail(`negative header count ${headerCount}`, 'Record.Headers');
    if (headerCount > (recordEnd - this.pos) / 2)
      this.fail(`${headerCount} headers cannot fit in the record`, 'Record.Headers');
    const headers = new Array<RecordHeader>(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const keyLen = this.varint('Record.Header.Key');
      if (keyLen < 0) this.fail(`header key length ${keyLen}`, 'Record.Header.Key');
      if (keyLen > recordEnd - this.pos)
        this.fail(`header key length ${keyLen} exceeds the record`, 'Record.Header.Key');
      const headerKey = this.buf.toString('utf8', this.pos, this.pos + keyLen);
      this.pos += keyLen;
      headers[h] = { key: headerKey, value: this.nullableBytes('Record.Header.Value') };
    }
    if (this.pos !== recordEnd)
      this.fail(`record ${index} has ${recordEnd - this.pos} bytes beyond its fields`, 'Record.Length');
    this.end = outerEnd;
    return { attributes: (attributes << 24) >> 24, timestampDelta, offsetDelta, key, value, headers };
  }
}

/** Reads a big-endian int64 at `p` as a number; undefined if it is not a safe integer. */
export function readSafeInt64(buf: Buffer, p: number): number | undefined {
  const v = buf.readInt32BE(p) * TWO_32 + buf.readUInt32BE(p + 4);
  return Number.isSafeInteger(v) ? v : undefined;
}

/** Writes the safe integer `v` as a big-endian int64 at `p`. */
export function writeInt64(buf: Buffer, p: number, v: number): void {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${v} is not a safe integer`);
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, p);
  buf.writeUInt32BE(v - hi * TWO_32, p + 4);
}
