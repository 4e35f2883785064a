/**
 * Which records of a load run were acknowledged and which were consumed, one bit each: record
 * `seq` of producer `p` is identified by the key `p-seq`. Loss is "acknowledged, never consumed".
 */

class BitSet {
  private bits = new Uint8Array(1024);

  /** Sets bit i; returns whether it was already set. */
  set(i: number): boolean {
    const byte = i >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (i & 7);
    const was = (this.bits[byte]! & mask) !== 0;
    this.bits[byte]! |= mask;
    return was;
  }

  has(i: number): boolean {
    const byte = i >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (i & 7))) !== 0;
  }
}

/** Per-producer bit sets of acknowledged and consumed records. */
export class RecordTracker {
  private readonly acked: BitSet[] = [];
  private readonly consumed: BitSet[] = [];
  private readonly maxSeq: number[] = [];
  ackedCount = 0;
  consumedCount = 0;
  /** Records consumed more than once. */
  duplicates = 0;
  /** Records consumed that were never acknowledged (their send failed or timed out but the broker kept them). */
  consumedUnacked = 0;

  private sets(producer: number): void {
    while (this.acked.length <= producer) {
      this.acked.push(new BitSet());
      this.consumed.push(new BitSet());
      this.maxSeq.push(-1);
    }
  }

  markAcked(producer: number, seq: number): void {
    this.sets(producer);
    if (!this.acked[producer]!.set(seq)) this.ackedCount++;
    if (seq > this.maxSeq[producer]!) this.maxSeq[producer] = seq;
  }

  markConsumed(producer: number, seq: number): void {
    this.sets(producer);
    if (this.consumed[producer]!.set(seq)) this.duplicates++;
    else this.consumedCount++;
    if (seq > this.maxSeq[producer]!) this.maxSeq[producer] = seq;
  }

  /** Acknowledged records not consumed (yet), counting at most `sampleLimit` examples. */
  missing(sampleLimit = 10): { count: number; examples: string[] } {
    let count = 0;
    const examples: string[] = [];
    for (let p = 0; p < this.acked.length; p++) {
      for (let s = 0; s <= this.maxSeq[p]!; s++) {
        if (this.acked[p]!.has(s) && !this.consumed[p]!.has(s)) {
          count++;
          if (examples.length < sampleLimit) examples.push(recordKey(p, s));
        }
      }
    }
    return { count, examples };
  }

  /** Counts consumed records that were never acknowledged (call once, at the end). */
  countConsumedUnacked(): number {
    let n = 0;
    for (let p = 0; p < this.consumed.length; p++) {
      for (let s = 0; s <= this.maxSeq[p]!; s++) if (this.consumed[p]!.has(s) && !this.acked[p]!.has(s)) n++;
    }
    this.consumedUnacked = n;
    return n;
  }
}

/** The key of record `seq` of producer `producer`. */
export function recordKey(producer: number, seq: number): string {
  return `${producer}-${seq}`;
}

/** Parses a key made by {@link recordKey}; undefined for anything else (records of other writers). */
export function parseRecordKey(key: Buffer | string | null | undefined): { producer: number; seq: number } | undefined {
  if (key == null) return undefined;
  const s = typeof key === 'string' ? key : key.toString('latin1');
  const m = /^(\d+)-(\d+)$/.exec(s);
  return m ? { producer: Number(m[1]), seq: Number(m[2]) } : undefined;
}
