import { createHash } from 'node:crypto';
import { NULL_UUID } from '../../protocol/primitives/index.ts';

/**
 * What one broker calls by its own names: topic ids, member ids, producer ids, node ids. Each
 * value gets a stable placeholder (`<member:0>`, `<id:orders>`, …) in first-seen order, so two
 * brokers that behave alike produce the same placeholders even though their raw values differ;
 * requests carry placeholders too and each side resolves them back to its own values.
 */
export type IdentityKind = 'member' | 'pid' | 'node' | 'session' | 'topic-id';

/** A placeholder as it appears in normalized answers and request templates. */
export const PLACEHOLDER = /^<(member|pid|node|session|id):(.+)>$/;

/** A uuid derived from a topic name, for topics that do not exist: the same on both sides. */
export function fakeTopicId(name: string): string {
  const h = createHash('sha256').update(`kconform-missing-topic:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** One side's map between its raw identifiers and placeholders. */
export class IdentityMap {
  private readonly toPlaceholder = new Map<string, string>();
  private readonly fromPlaceholder = new Map<string, string | bigint | number>();
  private readonly counters = new Map<IdentityKind, number>();
  /** Topic name by topic id, as this side told us. */
  private readonly topicNames = new Map<string, string>();
  private readonly topicIds = new Map<string, string>();

  /** Records that this side calls topic `name` by `id` (learned from Metadata, CreateTopics, …). */
  learnTopicId(name: string, id: string): void {
    if (id === NULL_UUID || !name) return;
    const old = this.topicIds.get(name);
    if (old && old !== id) this.topicNames.delete(old);
    this.topicNames.set(id, name);
    this.topicIds.set(name, id);
  }

  /** Forgets every topic id (before learning the current set again, e.g. after deletions). */
  forgetTopicIds(): void {
    this.topicNames.clear();
    this.topicIds.clear();
  }

  /** The placeholder for a raw value of `kind`, assigned in first-seen order. */
  placeholder(kind: IdentityKind, raw: string | bigint | number): string {
    if (kind === 'topic-id') {
      const s = String(raw);
      const name = this.topicNames.get(s);
      if (name !== undefined) return `<id:${name}>`;
    }
    const key = `${kind}:${String(raw)}`;
    let p = this.toPlaceholder.get(key);
    if (p === undefined) {
      const n = this.counters.get(kind) ?? 0;
      this.counters.set(kind, n + 1);
      p = kind === 'topic-id' ? `<id:?${n}>` : `<${kind}:${n}>`;
      this.toPlaceholder.set(key, p);
      this.fromPlaceholder.set(p, raw);
    }
    return p;
  }

  /**
   * The raw value behind a placeholder of a request template. `<id:NAME>` of a topic this side
   * does not know gives a uuid derived from the name (and learns it, so the answer maps back).
   */
  resolve(placeholder: string): string | bigint | number | undefined {
    const m = PLACEHOLDER.exec(placeholder);
    if (!m) return undefined;
    if (m[1] === 'id') {
      const name = m[2]!;
      if (name.startsWith('?')) return this.fromPlaceholder.get(placeholder);
      const id = this.topicIds.get(name);
      if (id) return id;
      const fake = fakeTopicId(name);
      this.topicNames.set(fake, name);
      return fake;
    }
    return this.fromPlaceholder.get(placeholder);
  }

  /**
   * Starts a new case: member and producer ids are numbered afresh, so a case where one broker
   * handed out an id the other did not leaves later cases comparable. Node and topic ids stay.
   */
  newCase(): void {
    for (const kind of ['member', 'pid'] as const) {
      this.counters.delete(kind);
      for (const [key, p] of this.toPlaceholder) {
        if (key.startsWith(`${kind}:`)) {
          this.toPlaceholder.delete(key);
          this.fromPlaceholder.delete(p);
        }
      }
    }
  }

  /** How many placeholders of `kind` this side has handed out. */
  count(kind: IdentityKind): number {
    return this.counters.get(kind) ?? 0;
  }
}
