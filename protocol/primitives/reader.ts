import { DecodeError } from './decode-error.ts';

const INT32_MAX = 0x7fffffff;
const NULL_UUID = '00000000-0000-0000-0000-000000000000';

/** An unknown tagged field kept as raw bytes so it can be written back unchanged. */
export interface RawTaggedField {
  tag: number;
  data: Buffer;
}

/**
 * Sequential reader over a Kafka wire buffer. Every read names the field it is for,
 * so a short or malformed buffer fails with a {@link DecodeError} that says where.
 */
export class Reader {
  readonly buf: Buffer;
  offset: number;
  /** Exclusive end of the readable region (a frame may be a slice of a larger buffer). */
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  /** Bytes left to read. */
  remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, field: string): void {
    if (n < 0 || this.offset + n > this.end) {
      throw new DecodeError(`truncated: need ${n} bytes, ${this.end - this.offset} left`, field, this.offset);
    }
  }

  fail(reason: string, field: string): never {
    throw new DecodeError(reason, field, this.offset);
  }

  int8(field: string): number {
    this.need(1, field);
    return this.buf.readInt8(this.offset++);
  }

  uint8(field: string): number {
    this.need(1, field);
    return this.buf[this.offset++]!;
  }

  bool(field: string): boolean {
    return this.int8(field) !== 0;
  }

  int16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  uint16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(field: string): bigint {
    this.need(8, field);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  float64(field: string): number {
    this.need(8, field);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a uint32). */
  uvarint(field: string): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) this.fail('truncated varint', field);
      const b = this.buf[this.offset++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    return this.fail('varint longer than 5 bytes', field);
  }

  /** Zig-zag signed varint (int32). */
  varint(field: string): number {
    const u = this.uvarint(field);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Unsigned varlong of at most 10 bytes. */
  uvarlong(field: string): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) this.fail('truncated varlong', field);
      const b = this.buf[this.offset++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    return this.fail('varlong longer than 10 bytes', field);
  }

  /** Zig-zag signed varlong (int64). */
  varlong(field: string): bigint {
    const u = this.uvarlong(field);
    return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
  }

  uuid(field: string): string {
    this.need(16, field);
    const hex = this.buf.toString('hex', this.offset, this.offset + 16);
    this.offset += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Raw bytes as a view into the buffer (no copy). */
  raw(n: number, field: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  private utf8(n: number, field: string): string {
    this.need(n, field);
    const v = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** int16 length + UTF-8; length -1 means null. */
  nullableString(field: string): string | null {
    const n = this.int16(field);
    if (n === -1) return null;
    if (n < -1) this.fail(`negative string length ${n}`, field);
    return this.utf8(n, field);
  }

  string(field: string): string {
    const v = this.nullableString(field);
    if (v === null) this.fail('null in a non-nullable string', field);
    return v;
  }

  /** uvarint (length + 1) + UTF-8; 0 means null. */
  compactNullableString(field: string): string | null {
    const n = this.uvarint(field);
    if (n === 0) return null;
    return this.utf8(n - 1, field);
  }

  compactString(field: string): string {
    const v = this.compactNullableString(field);
    if (v === null) this.fail('null in a non-nullable compact string', field);
    return v;
  }

  /** int32 length + bytes; -1 means null. */
  nullableBytes(field: string): Buffer | null {
    const n = this.int32(field);
    if (n === -1) return null;
    if (n < -1) this.fail(`negative bytes length ${n}`, field);
    return this.raw(n, field);
  }

  bytes(field: string): Buffer {
    const v = this.nullableBytes(field);
    if (v === null) this.fail('null in non-nullable bytes', field);
    return v;
  }

  compactNullableBytes(field: string): Buffer | null {
    const n = this.uvarint(field);
    if (n === 0) return null;
    return this.raw(n - 1, field);
  }

  compactBytes(field: string): Buffer {
    const v = this.compactNullableBytes(field);
    if (v === null) this.fail('null in non-nullable compact bytes', field);
    return v;
  }

  /**
   * Array length: int32 (classic, -1 = null) or uvarint length+1 (compact, 0 = null).
   * Returns -1 for null. Rejects lengths that could not fit in the bytes left, so a
   * hostile length cannot make the decoder allocate gigabytes.
   */
  arrayLength(compact: boolean, field: string): number {
    let n: number;
    if (compact) {
      n = this.uvarint(field) - 1;
    } else {
      n = this.int32(field);
      if (n < -1) this.fail(`negative array length ${n}`, field);
    }
    if (n > this.remaining() || n > INT32_MAX)
      this.fail(`array length ${n} exceeds the ${this.remaining()} bytes left`, field);
    return n;
  }

  /**
   * Reads a tagged-field section. `known` decodes a known tag from a sub-reader and returns
   * true, or returns false to keep the field as raw bytes in the returned list.
   */
  taggedFields(field: string, known?: (tag: number, sub: Reader) => boolean): RawTaggedField[] | undefined {
    const count = this.uvarint(field);
    let unknown: RawTaggedField[] | undefined;
    let lastTag = -1;
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint(field);
      if (tag <= lastTag) this.fail(`tagged field ${tag} out of order`, field);
      lastTag = tag;
      const size = this.uvarint(field);
      this.need(size, field);
      const start = this.offset;
      const sub = new Reader(this.buf, start, start + size);
      if (known?.(tag, sub)) {
        if (sub.offset !== sub.end) this.fail(`tagged field ${tag} has ${sub.end - sub.offset} trailing bytes`, field);
      } else {
        (unknown ??= []).push({ tag, data: this.buf.subarray(start, start + size) });
      }
      this.offset = start + size;
    }
    return unknown;
  }
}

export { NULL_UUID };
