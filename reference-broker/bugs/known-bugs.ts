/**
 * Known defects the reference broker can switch on (`kconform broker --bug NAME`), each a
 * mistake real Kafka-compatible brokers have made. They exist to prove that the scenarios and
 * checkers catch what they claim to: a run against a broker with a bug on must fail.
 * Each bug strikes periodically (every `every`-th occasion), so a run sees both good and bad
 * behaviour, as with real bugs.
 */
export interface KnownBug {
  readonly name: BugName;
  readonly description: string;
  /** The checkers that should flag it (the first always does), and the scenario that exercises it. */
  readonly caughtBy: readonly string[];
  readonly scenario: string;
  /** How often it strikes. */
  readonly every: number;
}

// `as const` keeps each name a literal, so BugName is their union.
const BUGS = [
  {
    name: 'drop-acked-write',
    description: 'acknowledges a produce with an offset but never appends it',
    caughtBy: ['lost-write', 'inconsistent-offsets'],
    scenario: 'seed',
    every: 3,
  },
  {
    name: 'duplicate-retried-batch',
    description: "ignores idempotent producers' sequence numbers, so a retried batch is appended again",
    caughtBy: ['duplicate'],
    scenario: 'idempotence',
    every: 1,
  },
  {
    name: 'reorder-batches',
    description: 'returns the first two batches of a fetch in swapped order',
    caughtBy: ['nonmonotonic-poll', 'replay'],
    scenario: 'seed',
    every: 2,
  },
  {
    name: 'skip-offset',
    description: 'leaves out the second batch of a fetch answer, so consumers jump over its offsets',
    caughtBy: ['poll-skip', 'replay'],
    scenario: 'seed',
    every: 2,
  },
  {
    name: 'stale-read',
    description: 'serves consumers (Fetch and ListOffsets latest) the high watermark of three appends ago',
    caughtBy: ['lost-write'],
    scenario: 'seed',
    every: 1,
  },
  {
    name: 'lose-committed-offset',
    description: 'acknowledges OffsetCommit without storing it',
    caughtBy: ['group-resume'],
    scenario: 'consumer-groups',
    every: 2,
  },
  {
    name: 'overlapping-assignment',
    description:
      'gives a KIP-848 member a partition of its new target at once, before the member owning it has revoked it',
    caughtBy: ['consumer-protocol-ownership'],
    scenario: 'consumer-protocol',
    every: 1,
  },
  // Replication bugs: they show on a cluster (--brokers 3) under leader failover.
  {
    name: 'ignore-acks-all',
    description: 'answers acks=all as soon as the leader appended, without waiting for the in-sync replicas',
    caughtBy: ['lost-write'],
    scenario: 'failover',
    every: 1,
  },
  {
    name: 'advance-hw-early',
    description: "moves the high watermark to the leader's log end on every append, before the ISR has the records",
    caughtBy: ['lost-write'],
    scenario: 'failover',
    every: 1,
  },
  {
    name: 'skip-truncation',
    description:
      "a replica that rejoins keeps its divergent tail instead of truncating to where the leader's epoch ends",
    caughtBy: ['inconsistent-offsets', 'lost-write', 'recovery'],
    scenario: 'failover',
    every: 1,
  },
  {
    name: 'elect-outside-isr',
    description: 'the controller elects any live replica when a leader fails, in sync or not',
    caughtBy: ['lost-write'],
    scenario: 'failover',
    every: 1,
  },
  // Transactional bugs (issue 15): the coordinator, the markers and read_committed reads.
  {
    name: 'expose-aborted',
    description: 'answers read_committed Fetch without its aborted_transactions, so consumers keep aborted records',
    caughtBy: ['txn-g1a', 'aborted-read'],
    scenario: 'txn-atomicity',
    every: 1,
  },
  {
    name: 'lso-ahead',
    description:
      'runs the last stable offset to the high watermark, past open transactions, so read_committed reads uncommitted data',
    caughtBy: ['txn-precommitted-read', 'txn-g1a', 'aborted-read'],
    scenario: 'txn-atomicity',
    every: 1,
  },
  {
    name: 'no-fence',
    description: 'a partition leader appends transactional writes of an epoch older than InitProducerId bumped it to',
    caughtBy: ['txn-fencing', 'txn-torn'],
    scenario: 'txn-fencing',
    every: 1,
  },
  {
    name: 'drop-marker',
    description:
      "a partition leader acknowledges a commit marker without writing it and takes that partition's part as aborted",
    caughtBy: ['txn-lost-write', 'txn-torn', 'lost-write'],
    scenario: 'txn-atomicity',
    every: 2,
  },
  {
    name: 'commit-partial',
    description: "EndTxn commits a transaction's first partition only and aborts its others",
    caughtBy: ['txn-torn', 'txn-lost-write', 'lost-write'],
    scenario: 'txn-atomicity',
    every: 2,
  },
  {
    name: 'txn-offsets-early',
    description:
      'TxnOffsetCommit makes the offsets visible to the group at once instead of at the commit marker, so an aborted transaction still moves the group past its input',
    caughtBy: ['txn-exactly-once'],
    scenario: 'txn-exactly-once',
    every: 1,
  },
] as const;

/** The name of a known bug: a typo in one is a compile error. */
export type BugName = (typeof BUGS)[number]['name'];

/** The known bugs, in the order `--help` and the docs list them. */
export const KNOWN_BUGS: readonly KnownBug[] = BUGS;

/** How many appends the stale-read bug's view of a partition lags behind. */
export const STALE_READ_LAG = 3;

/** Names of the known bugs. */
export const BUG_NAMES: readonly BugName[] = KNOWN_BUGS.map((b) => b.name);

/** True when `name` names a known bug (for names read from the command line or a stored run). */
export function isBugName(name: string): name is BugName {
  return (BUG_NAMES as readonly string[]).includes(name);
}

/** Counts occasions per bug and says when one strikes. */
export class BugSwitch {
  private readonly active: Map<BugName, { every: number; seen: number }>;

  constructor(names: Iterable<BugName>) {
    this.active = new Map();
    for (const name of names) {
      const bug = KNOWN_BUGS.find((b) => b.name === name);
      // Names are checked where they are read (CLI, stored runs); this guards untyped callers.
      if (!bug) throw new Error(`unknown bug '${name}'; known bugs: ${BUG_NAMES.join(', ')}`);
      this.active.set(name, { every: bug.every, seen: 0 });
    }
  }

  /** True when `name` is on and strikes on this occasion. */
  strikes(name: BugName): boolean {
    const b = this.active.get(name);
    if (!b) return false;
    b.seen++;
    return b.seen % b.every === 0;
  }

  /** True when `name` is on at all. */
  has(name: BugName): boolean {
    return this.active.has(name);
  }

  get any(): boolean {
    return this.active.size > 0;
  }

  private readonly highWatermarks = new Map<string, number[]>();

  /** Remembers a partition's high watermark before an append (for stale-read). */
  noteHighWatermark(partition: string, hw: number): void {
    if (!this.active.has('stale-read')) return;
    const seen = this.highWatermarks.get(partition) ?? [];
    seen.push(hw);
    if (seen.length > STALE_READ_LAG) seen.shift();
    this.highWatermarks.set(partition, seen);
  }

  /** The high watermark consumers are served: the real one, or with stale-read on, the one of STALE_READ_LAG appends ago. */
  consumerHighWatermark(partition: string, actual: number): number {
    if (!this.active.has('stale-read')) return actual;
    const seen = this.highWatermarks.get(partition);
    return seen && seen.length > 0 ? Math.min(actual, seen[0]!) : actual;
  }
}
