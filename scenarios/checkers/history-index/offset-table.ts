/**
 * Per partition id, a number per offset, in an array that starts at the first offset seen and
 * grows as offsets do — for offset → number lookups that run in order through memory instead of
 * hopping through a hash table. Offsets it cannot hold (not whole, below the start, or so far
 * above everything seen that the array would outgrow the history) are refused and the caller
 * takes its slower path; `budget` (the rows seen so far) bounds the memory by the history's size.
 */
export class OffsetTable {
  private readonly base: number[] = [];
  /** Per partition id: the number + 1 per offset from base on (0: none). */
  private readonly slots: number[][] = [];
  private size = 0;

  /** The number stored for (part, offset), or -1. */
  get(part: number, offset: number): number {
    const slots = this.slots[part];
    if (slots === undefined) return -1;
    const i = offset - this.base[part]!;
    return i >= 0 && i < slots.length ? slots[i]! - 1 : -1;
  }

  /** Stores `v` (≥ 0) for (part, offset); false when the offset is one this table does not hold. */
  set(part: number, offset: number, v: number, budget: number): boolean {
    if (part < 0 || !Number.isInteger(offset) || offset < 0) return false;
    let slots = this.slots[part];
    if (slots === undefined) {
      // Runs start at offset 0; a topic that existed before the run starts higher.
      this.base[part] = offset < 65_536 ? 0 : offset - 1024;
      slots = this.slots[part] = [];
    }
    const i = offset - this.base[part]!;
    if (i < 0) return false;
    if (i >= slots.length) {
      if (this.size + i + 1 - slots.length > 65_536 + 4 * budget) return false;
      this.size += i + 1 - slots.length;
      while (slots.length < i) slots.push(0);
      slots.push(v + 1);
      return true;
    }
    slots[i] = v + 1;
    return true;
  }
}
