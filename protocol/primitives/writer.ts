import { NULL_UUID, type RawTaggedField } from './reader.ts';

/**
 * Growable big-endian buffer writer for the Kafka wire format.
 * Grows by doubling so encoding a message is amortised O(size).
 */
export class Writer {
  buf: Buffer;
  offset = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** The bytes written so far (a view, valid until the next write). */
  result(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.offset++);
    return this;
  }

  uint8(v: number): this {
    this.ensure(1);
    this.buf[this.offset++] = v;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeInt16BE(v, this.offset);
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.offset = this.buf.writeUInt16BE(v, this.offset);
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeInt32BE(v, this.offset);
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.offset = this.buf.writeUInt32BE(v, this.offset);
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.offset = this.buf.writeBigInt64BE(v, this.offset);
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.offset = this.buf.writeDoubleBE(v, this.offset);
    return this;
  }

  /** Unsigned LEB128 varint (uint32 range). */
  uvarint(v: number): this {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
    return this;
  }

  /** Zig-zag signed varint (int32 range). */
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  uvarlong(v: bigint): this {
    this.ensure(10);
    let u = BigInt.asUintN(64, v);
    while (u >= 0x80n) {
      this.buf[this.offset++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.offset++] = Number(u);
    return this;
  }

  /** Zig-zag signed varlong (int64 range). */
  varlong(v: bigint): this {
    return this.uvarlong((v << 1n) ^ (v >> 63n));
  }

  uuid(v: string): this {
    if (v === NULL_UUID) {
      this.ensure(16);
      this.buf.fill(0, this.offset, this.offset + 16);
      this.offset += 16;
      return this;
    }
    const hex =
      v.length === 36 && v[8] === '-' && v[13] === '-' && v[18] === '-' && v[23] === '-'
        ? v.slice(0, 8) + v.slice(9, 13) + v.slice(14, 18) + v.slice(19, 23) + v.slice(24)
        : v;
    this.ensure(16);
    // Buffer.write stops at the first non-hex pair, so a short count means the text was not a UUID.
    if (hex.length !== 32 || this.buf.write(hex, this.offset, 16, 'hex') !== 16)
      throw new RangeError(`not a UUID: ${v}`);
    this.offset += 16;
    return this;
  }

  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
    return this;
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const n = Buffer.byteLength(v, 'utf8');
    this.int16(n);
    this.ensure(n);
    this.offset += this.buf.write(v, this.offset, 'utf8');
    return this;
  }

  string(v: string): this {
    return this.nullableString(v);
  }

  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const n = Buffer.byteLength(v, 'utf8');
    this.uvarint(n + 1);
    this.ensure(n);
    this.offset += this.buf.write(v, this.offset, 'utf8');
    return this;
  }

  compactString(v: string): this {
    return this.compactNullableString(v);
  }

  nullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.int32(-1);
    return this.int32(v.length).raw(v);
  }

  bytes(v: Uint8Array): this {
    return this.nullableBytes(v);
  }

  compactNullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0);
    return this.uvarint(v.length + 1).raw(v);
  }

  compactBytes(v: Uint8Array): this {
    return this.compactNullableBytes(v);
  }

  /** Array length; `null` arrays are written as -1 (classic) or 0 (compact). */
  arrayLength(n: number | null, compact: boolean): this {
    if (compact) return this.uvarint(n === null ? 0 : n + 1);
    return this.int32(n === null ? -1 : n);
  }

  /**
   * Writes a tagged-field section: the known fields (already encoded, in tag order) merged
   * with unknown ones carried over from decoding, sorted by tag as the protocol requires.
   */
  taggedFields(known: RawTaggedField[], unknown?: RawTaggedField[]): this {
    const all = unknown && unknown.length > 0 ? [...known, ...unknown].sort((a, b) => a.tag - b.tag) : known;
    this.uvarint(all.length);
    for (const f of all) this.uvarint(f.tag).uvarint(f.data.length).raw(f.data);
    return this;
  }

  /**
   * Writes unknown tagged fields (as kept by a decoder) with the section's count first.
   * They are written in tag order, as the protocol requires, even if given out of order.
   */
  rawTaggedFields(fields: readonly RawTaggedField[] | undefined): this {
    if (fields === undefined || fields.length === 0) return this.uint8(0);
    let sorted = fields;
    for (let i = 1; i < fields.length; i++) {
      if (fields[i]!.tag < fields[i - 1]!.tag) {
        sorted = [...fields].sort((a, b) => a.tag - b.tag);
        break;
      }
    }
    this.uvarint(sorted.length);
    for (const f of sorted) this.uvarint(f.tag).uvarint(f.data.length).raw(f.data);
    return this;
  }

  /**
   * Writes `fields[from…]` while their tag is below `beforeTag` and returns the index of the
   * first one not written: generated encoders call it before each known tagged field so that
   * known and unknown fields come out merged in tag order (`fields` must be sorted by tag).
   */
  rawTaggedFieldsBefore(fields: readonly RawTaggedField[], from: number, beforeTag: number): number {
    let i = from;
    for (; i < fields.length && fields[i]!.tag < beforeTag; i++) {
      const f = fields[i]!;
      this.uvarint(f.tag).uvarint(f.data.length).raw(f.data);
    }
    return i;
  }

  /**
   * Reserves one byte for a uvarint size that {@link endSized} fills in once the body is
   * written, so a tagged field can be encoded in place without a scratch buffer.
   */
  startSized(): number {
    this.ensure(1);
    return this.offset++;
  }

  /** Writes the size of everything after `mark` into the byte reserved by {@link startSized}. */
  endSized(mark: number): this {
    const size = this.offset - mark - 1;
    if (size < 0x80) {
      this.buf[mark] = size;
      return this;
    }
    let len = 1;
    for (let s = size; s >= 0x80; s = Math.floor(s / 128)) len++;
    // Rare (a body of 128+ bytes): shift the body right to make room for the longer varint.
    this.ensure(len - 1);
    this.buf.copyWithin(mark + len, mark + 1, this.offset);
    this.offset += len - 1;
    let v = size;
    let p = mark;
    while (v >= 0x80) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[p] = v;
    return this;
  }

  /** Encodes `fn` into a scratch writer and returns its bytes (used for tagged field bodies). */
  static encode(fn: (w: Writer) => void): Buffer {
    const w = new Writer(64);
    fn(w);
    return Buffer.from(w.result());
  }
}
