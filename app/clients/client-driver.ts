/**
 * The one small interface every client of the compatibility matrix implements: produce records
 * with given settings, consume them (in a group, or from a seeked offset), and join a group as a
 * long-lived member whose assignment can be watched. The features (features.ts) are written
 * once against it, so every client is judged by the same procedure and the same checkers.
 */
import type { CompressionName } from '../../protocol/records/batch-header.ts';
import type { Feature } from './features.ts';

/** One record to produce. Drivers that cannot choose their values (VerifiableProducer) produce the same ones by construction. */
export interface RecordToSend {
  key: string;
  value: string;
  /** Header key/value pairs, in order (only the headers feature sends them). */
  headers?: [string, string][];
}

/** What to produce. */
export interface ProduceSpec {
  bootstrap: string;
  topic: string;
  /** Prefix of the values: record i has key `String(i)` and value `${valuePrefix}.${i}` (VerifiableProducer's own format). */
  valuePrefix: number;
  records: RecordToSend[];
  acks: 0 | 1 | -1;
  idempotent: boolean;
  compression: CompressionName;
  timeoutMs: number;
}

/** One record's outcome, as the client reported it. */
export interface SendOutcome {
  key: string;
  value: string;
  /** Undefined when the send failed. */
  partition?: number;
  /** -1 when the client was not told (acks=0). */
  offset?: number;
  error?: string;
}

/** A record as the client handed it to its user. */
export interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  /** The record's topic, as the client reported it (needed when it subscribed to a pattern). */
  topic?: string;
}

/** What to consume. */
export interface ConsumeSpec {
  bootstrap: string;
  topic: string;
  /** Consumer group; absent: no group (assign), where the client can. */
  group?: string;
  /**
   * Subscribe (in `group`) to every topic whose whole name matches this regular expression
   * instead of to `topic`; it starts with `^`, as librdkafka wants of a pattern.
   */
  pattern?: string;
  /** Assign this partition and start at this offset instead of subscribing. */
  seek?: { partition: number; offset: number };
  /** Records to hand back; the driver stops there. */
  count: number;
  /** Commit, synchronously, the position after the last returned record of each partition. */
  commit: boolean;
  timeoutMs: number;
}

/** What a consume returned. */
export interface ConsumeResult {
  records: ConsumedRecord[];
  /** Free-form notes (which tool ran, what it printed besides records). */
  notes?: string[];
}

/** What to join as a long-lived group member. */
export interface MemberSpec {
  bootstrap: string;
  topic: string;
  group: string;
}

/** One transaction to run: its records (each to a given partition), then a commit or an abort. */
export interface TransactionToRun {
  records: (RecordToSend & { partition: number })[];
  outcome: 'commit' | 'abort';
}

/** What a transactional producer runs: its transactions in order, under one transactional.id. */
export interface TransactSpec {
  bootstrap: string;
  topic: string;
  transactionalId: string;
  transactions: TransactionToRun[];
  timeoutMs: number;
}

/** How one transaction went, as the client reported it. */
export interface TransactionOutcome {
  /** Whether the transaction was begun (the client had its producer id, InitProducerId done). */
  begun: boolean;
  /** Each record's send, as in a produce. */
  sends: SendOutcome[];
  /** Whether the commit or abort was acknowledged. */
  ended: boolean;
  /** Why the transaction did not begin or end. */
  error?: string;
  /** What InitProducerId gave, when the client tells. */
  producerId?: number;
  epoch?: number;
}

/** A running group member. */
export interface GroupMember {
  /** The partitions the client says it owns now; undefined before its first assignment. */
  assignment(): number[] | undefined;
  /** Leaves the group (a clean close, so the others rebalance at once). */
  close(): Promise<void>;
}

/** The client cannot express this at all (no API for it): a client limitation, not a broker difference. */
export class ClientLimitation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientLimitation';
  }
}

/** The client cannot run on this machine (not installable): every cell of it says so. */
export class ClientUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientUnavailable';
  }
}

/** A client of the matrix. */
export interface ClientDriver {
  /** Short id used on the command line and in file names: `kafkajs`, `platformatic`, `java`, `confluent-python`. */
  readonly id: string;
  /** Name and version for the table. */
  readonly label: string;
  /** Installs or checks what the client needs; throws ClientUnavailable when it cannot run here. */
  prepare(): Promise<void>;
  produce(spec: ProduceSpec): Promise<SendOutcome[]>;
  consume(spec: ConsumeSpec): Promise<ConsumeResult>;
  joinGroup(spec: MemberSpec): Promise<GroupMember>;
  /**
   * Runs transactions with one transactional producer (idempotent, transactional.id set); one
   * outcome per transaction, in order. Absent: the client has no transactional producer.
   */
  transact?(spec: TransactSpec): Promise<TransactionOutcome[]>;
  /** The cluster's topic names, as the client's admin or metadata call lists them (all topics). */
  listTopics?(bootstrap: string, timeoutMs: number): Promise<string[]>;
  /**
   * Features this driver does not implement yet (with the reason): their cells are not run and
   * show blank in the table. Not a client limitation: the client may well do them.
   */
  readonly notRun?: Readonly<Partial<Record<Feature, string>>>;
  /**
   * Notes on how a feature is done with this client (which tool, which plug-in), shown beside
   * the outcome so a reader knows what "works" covered.
   */
  readonly notes?: Readonly<Record<string, string>>;
  /**
   * Features this client is known not to do (with the reason, e.g. a missing API or a known
   * client bug): a failing cell named here is reported as a client limitation, not a failure.
   */
  readonly limitations?: Readonly<Record<string, string>>;
}

/** Record i of a cell, the same for every client. */
export function cellRecord(valuePrefix: number, i: number, withHeaders = false): RecordToSend {
  const r: RecordToSend = { key: String(i), value: `${valuePrefix}.${i}` };
  if (withHeaders)
    r.headers = [
      ['trace', `t-${i}`],
      ['source', 'kconform'],
    ];
  return r;
}

/** The records of a cell. */
export function cellRecords(valuePrefix: number, n: number, withHeaders = false): RecordToSend[] {
  return Array.from({ length: n }, (_, i) => cellRecord(valuePrefix, i, withHeaders));
}

/** Waits until `cond` holds, polling; throws naming `what` (and the last state) after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, what: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
