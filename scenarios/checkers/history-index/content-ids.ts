import { OffsetTable } from './offset-table.ts';

/**
 * Numbers record contents (key and value, each a string or null): equal contents, one id; ids
 * 0, 1, 2… in order of first appearance. An open-addressing hash table over arrays of small
 * integers, so numbering a million contents allocates a few arrays instead of a map entry each
 * (each an object the garbage collector would trace, and a Map grows by rehashing into new ones).
 */
export class ContentIds {
  /** Key and value of each id. */
  readonly keys: (string | null)[] = [];
  readonly values: (string | null)[] = [];
  private readonly hashes: number[] = [];
  /** id + 1 per slot; 0 is empty. */
  private slots: number[] = new Array<number>(2048).fill(0);

  get size(): number {
    return this.keys.length;
  }

  /** The id of (key, value), numbering it when new. */
  id(key: string | null, value: string | null): number {
    const h = hashContent(key, value);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) break;
      const c = slot - 1;
      if (this.hashes[c] === h && this.values[c] === value && this.keys[c] === key) return c;
    }
    const c = this.keys.length;
    this.keys.push(key);
    this.values.push(value);
    this.hashes.push(h);
    // At most half full: probe runs stay short.
    if (2 * (c + 1) > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(c, h);
    return c;
  }

  private place(c: number, h: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = c + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Array<number>(capacity).fill(0);
    for (let c = 0; c < this.keys.length; c++) this.place(c, this.hashes[c]!);
  }
}

/** FNV-1a over the value's and the key's UTF-16 units, null told apart from every string. */
function hashContent(key: string | null, value: string | null): number {
  let h = 0x811c9dc5;
  if (value === null) h = Math.imul(h ^ 0x1_0000, 0x01000193);
  else for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  // A unit no string holds, between the two.
  h = Math.imul(h ^ 0x2_0000, 0x01000193);
  if (key === null) h = Math.imul(h ^ 0x1_0000, 0x01000193);
  else for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  // Spread the low bits the table indexes by; 30 bits, so a hash is a small integer to the engine.
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 2;
}

/**
 * Content ids of records as sends and reads name them (anything not a string counts as null). A
 * record read at an offset usually holds what was acknowledged (or read before) at that offset,
 * so the id is looked up by offset first (OffsetTable) and confirmed by comparing the strings;
 * only a first sighting or a mismatch goes to the hash table. Which path answers never changes
 * the id: ids are numbered by ContentIds alone, in order of first appearance.
 */
export class RecordContents {
  readonly ids = new ContentIds();
  private readonly at = new OffsetTable();

  /** How many distinct contents there are. */
  get size(): number {
    return this.ids.size;
  }

  /**
   * The content id of `key` and `value` found at (part, offset) — part -1 or offset negative
   * when unknown; `budget` (rows indexed so far) bounds the offset table (see OffsetTable).
   */
  of(part: number, offset: number, key: unknown, value: unknown, budget: number): number {
    const k = typeof key === 'string' ? key : null;
    const v = typeof value === 'string' ? value : null;
    const c = this.at.get(part, offset);
    if (c >= 0 && this.ids.values[c] === v && this.ids.keys[c] === k) return c;
    const id = this.ids.id(k, v);
    this.at.set(part, offset, id, budget);
    return id;
  }
}
