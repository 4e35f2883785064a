/**
 * The features of the client matrix, each a small procedure written once against the
 * ClientDriver interface. Every cell uses fresh topics and groups, records a history
 * (harness/history format: the client's sends and polls, the neutral writer and the neutral
 * final read) and is judged twice: by the history checkers (scenarios/checkers) under the
 * cell's configuration, and by the feature's own expectation (what was stored, which codec,
 * which offsets). A cell passes only if both hold.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { HistoryRecorder } from '../../harness/history/history.ts';
import {
  END_TXN,
  FINAL_READ,
  FINAL_READ_UNCOMMITTED,
  readsOf,
  SEND,
  TXN_BEGIN,
  type RecordRef,
  type TxnTag,
} from '../../harness/history/ops.ts';
import { readAtIsolation } from '../../scenarios/txn-read.ts';
import { checkHistory, type CheckConfig } from '../../scenarios/checkers/index.ts';
import type { CompressionName } from '../../protocol/records/batch-header.ts';
import {
  cellRecords,
  ClientLimitation,
  ClientUnavailable,
  waitUntil,
  type ClientDriver,
  type ConsumedRecord,
  type GroupMember,
  type RecordToSend,
  type SendOutcome,
  type TransactionToRun,
} from './client-driver.ts';
import type { NeutralIO, StoredRecord } from './neutral-io.ts';

/** The features, in table order. */
export const FEATURES = [
  'acks=0',
  'acks=1',
  'acks=all',
  'idempotent',
  'gzip',
  'snappy',
  'lz4',
  'zstd',
  'headers',
  'group',
  'rebalance',
  'commit-resume',
  'seek',
  'list-topics',
  'regex-subscribe',
  'transactions',
] as const;
export type Feature = (typeof FEATURES)[number];

/** The outcome of one cell. */
export type CellStatus = 'works' | 'fails' | 'limitation' | 'unavailable';

/** One cell: client x feature on one target. */
export interface CellResult {
  client: string;
  feature: Feature;
  status: CellStatus;
  /** What was checked (works) or why it failed. */
  detail: string;
  /** How the feature was done with this client (tool, plug-in), from the driver's notes. */
  note?: string;
  ms: number;
}

/** What a feature needs. */
export interface CellContext {
  driver: ClientDriver;
  io: NeutralIO;
  /** Unique per cell: topic and group names and value prefixes derive from it. */
  id: number;
  history: HistoryRecorder;
  /** Milliseconds a produce or consume may take. */
  timeoutMs: number;
}

/** A feature's expectation did not hold. */
export class FeatureFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureFailure';
  }
}

const RECORDS = 10;

function fail(message: string): never {
  throw new FeatureFailure(message);
}

const names = (ctx: CellContext, what: string) => ({
  topic: `matrix-${ctx.driver.id}-${what}-${ctx.id}`,
  group: `matrix-${ctx.driver.id}-${what}-${ctx.id}-g`,
});

function checkConfig(ctx: CellContext, acks: 0 | 1 | -1, idempotent: boolean): Partial<CheckConfig> {
  return { acks, idempotent, replicationFactor: ctx.io.replicationFactor, minInsyncReplicas: 1, faults: false };
}

/** Runs the checkers on the cell's history; throws with the first invalid verdict. */
function judge(ctx: CellContext, config: Partial<CheckConfig>): void {
  const bad = checkHistory(ctx.history.ops, config).filter((r) => r.valid === false);
  if (bad.length) fail(`checker ${bad.map((b) => `${b.checker}: ${b.summary}`).join('; ')}`);
}

/** Produces through the client, recording every record as a send op. */
async function clientProduce(
  ctx: CellContext,
  topic: string,
  records: RecordToSend[],
  acks: 0 | 1 | -1,
  idempotent: boolean,
  compression: CompressionName,
  valuePrefix: number,
): Promise<SendOutcome[]> {
  const process = ctx.driver.id;
  const pending = records.map((r) => ctx.history.invoke(process, 'send', { topic, key: r.key, value: r.value }));
  let outcomes: SendOutcome[];
  try {
    outcomes = await ctx.driver.produce({
      bootstrap: ctx.io.bootstrap,
      topic,
      valuePrefix,
      records,
      acks,
      idempotent,
      compression,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (err) {
    for (const p of pending) p.info((err as Error).message);
    throw err;
  }
  records.forEach((r, i) => {
    const o = outcomes.find((x) => x.value === r.value);
    if (!o) pending[i]!.info('the client reported nothing for this record');
    else if (o.error !== undefined || o.partition === undefined) pending[i]!.info(o.error ?? 'no partition');
    else
      pending[i]!.ok({
        topic,
        partition: o.partition,
        offset: o.offset ?? -1,
        key: o.key,
        value: o.value,
      } satisfies RecordRef);
  });
  const failed = outcomes.find((o) => o.error !== undefined);
  if (failed) fail(`send of ${failed.value} failed: ${failed.error}`);
  if (outcomes.length < records.length) fail(`the client acknowledged ${outcomes.length}/${records.length} records`);
  return outcomes;
}

/** Reads a partition neutrally as the final read (once `expected` records are visible, or after a bounded wait), recording it as one poll. */
async function finalRead(
  ctx: CellContext,
  topic: string,
  partition: number,
  expected: number,
): Promise<StoredRecord[]> {
  const op = ctx.history.invoke('final-read', 'poll', { topic, partition, from: 'beginning' });
  const stored = await ctx.io.readAll(topic, partition, { atLeast: expected });
  op.ok({ records: stored.map((s) => ({ topic, partition, offset: s.offset, key: s.key, value: s.value })) });
  return stored;
}

/** Writes records neutrally, recording them as acknowledged sends of the writer. */
async function neutralWrite(
  ctx: CellContext,
  topic: string,
  partition: number,
  records: RecordToSend[],
): Promise<void> {
  const pending = records.map((r) => ctx.history.invoke('writer', 'send', { topic, key: r.key, value: r.value }));
  const base = await ctx.io.write(topic, partition, records);
  records.forEach((r, i) => pending[i]!.ok({ topic, partition, offset: base + i, key: r.key, value: r.value }));
}

/** Consumes through the client, recording a reposition op and then the records as one poll. */
async function clientConsume(
  ctx: CellContext,
  process: string,
  spec: {
    topic: string;
    pattern?: string;
    group?: string;
    seek?: { partition: number; offset: number };
    count: number;
    commit: boolean;
  },
): Promise<ConsumedRecord[]> {
  const f = spec.seek ? 'seek' : 'subscribe';
  const subscribed = {
    topic: spec.topic,
    ...(spec.pattern ? { pattern: spec.pattern } : {}),
    group: spec.group,
    ...spec.seek,
  };
  ctx.history.invoke(process, f, subscribed).ok(subscribed);
  const op = ctx.history.invoke(process, 'poll', { topic: spec.topic, group: spec.group });
  try {
    const { records } = await ctx.driver.consume({ bootstrap: ctx.io.bootstrap, timeoutMs: ctx.timeoutMs, ...spec });
    op.ok({
      records: records.map((r) => ({
        topic: r.topic ?? spec.topic,
        partition: r.partition,
        offset: r.offset,
        key: r.key,
        value: r.value,
      })),
    });
    return records;
  } catch (err) {
    op.fail((err as Error).message);
    throw err;
  }
}

function expectValues(got: readonly { value: string | null }[], want: readonly RecordToSend[], who: string): void {
  const g = got.map((r) => r.value);
  const w = want.map((r) => r.value);
  if (JSON.stringify(g) !== JSON.stringify(w)) fail(`${who} holds ${JSON.stringify(g)}, expected ${JSON.stringify(w)}`);
}

const sameHeaders = (a: readonly [string, string | null][], b: readonly [string, string][]) =>
  JSON.stringify(a) === JSON.stringify(b);

/** A produce feature: the client writes with these settings; the neutral reader checks what is stored. */
async function producePath(
  ctx: CellContext,
  what: string,
  acks: 0 | 1 | -1,
  idempotent: boolean,
  compression: CompressionName,
): Promise<string> {
  const { topic } = names(ctx, what);
  await ctx.io.createTopic(topic, 1);
  const records = cellRecords(ctx.id, RECORDS);
  const outcomes = await clientProduce(ctx, topic, records, acks, idempotent, compression, ctx.id);
  const stored = await finalRead(ctx, topic, 0, RECORDS);
  judge(ctx, checkConfig(ctx, acks, idempotent));
  expectValues(stored, records, 'the partition');
  const extra: string[] = [];
  if (acks !== 0) {
    const offsets = outcomes.map((o) => o.offset);
    if (offsets.some((o) => o === undefined || o < 0)) extra.push('no offsets reported');
    else if (offsets.some((o, i) => o !== stored.find((s) => s.value === outcomes[i]!.value)?.offset))
      fail(`acknowledged offsets ${JSON.stringify(offsets)} differ from the stored ones`);
  }
  if (compression !== 'none') {
    // A client may send a batch uncompressed when compressing would not shrink it (librdkafka
    // does); any other codec, or no compressed batch at all, means the setting was not honoured.
    const codecs = [...new Set(stored.map((s) => s.compression))];
    if (!codecs.includes(compression) || codecs.some((c) => c !== compression && c !== 'none'))
      fail(`stored batches are ${codecs.join('+')}, not ${compression}`);
    extra.push(
      codecs.length === 1 ? `stored as ${compression}` : `stored as ${compression} (some batches uncompressed)`,
    );
  }
  if (idempotent) {
    if (stored.some((s) => s.producerId < 0))
      fail('stored batches carry no producer id: the client did not produce idempotently');
    extra.push(`producer id ${stored[0]!.producerId}`);
  }
  return `${stored.length}/${RECORDS} stored once, in order${extra.length ? `; ${extra.join(', ')}` : ''}`;
}

async function headersPath(ctx: CellContext): Promise<string> {
  const { topic } = names(ctx, 'headers');
  await ctx.io.createTopic(topic, 1);
  const records = cellRecords(ctx.id, RECORDS, true);
  await clientProduce(ctx, topic, records, -1, false, 'none', ctx.id);
  const stored = await finalRead(ctx, topic, 0, RECORDS);
  expectValues(stored, records, 'the partition');
  stored.forEach((s, i) => {
    if (!sameHeaders(s.headers, records[i]!.headers!))
      fail(
        `stored headers of ${s.value} are ${JSON.stringify(s.headers)}, sent ${JSON.stringify(records[i]!.headers)}`,
      );
  });
  const read = await clientConsume(ctx, `${ctx.driver.id}-reader`, {
    topic,
    seek: { partition: 0, offset: 0 },
    count: RECORDS,
    commit: false,
  });
  judge(ctx, checkConfig(ctx, -1, false));
  read.forEach((r, i) => {
    if (!sameHeaders(r.headers, records[i]!.headers!))
      fail(
        `the client read headers ${JSON.stringify(r.headers)} for ${r.value}, stored ${JSON.stringify(records[i]!.headers)}`,
      );
  });
  return `${RECORDS} records, 2 headers each, stored and read back intact`;
}

async function groupPath(ctx: CellContext): Promise<string> {
  const { topic, group } = names(ctx, 'group');
  await ctx.io.createTopic(topic, 2);
  const all = cellRecords(ctx.id, RECORDS);
  const parts = [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2 === 1)];
  await neutralWrite(ctx, topic, 0, parts[0]!);
  await neutralWrite(ctx, topic, 1, parts[1]!);
  const read = await clientConsume(ctx, ctx.driver.id, { topic, group, count: RECORDS, commit: false });
  judge(ctx, checkConfig(ctx, -1, false));
  for (const p of [0, 1]) {
    const mine = read.filter((r) => r.partition === p);
    expectValues(mine, parts[p]!, `partition ${p} as the group member read it`);
    if (mine.some((r, i) => r.offset !== i))
      fail(`partition ${p} read at offsets ${mine.map((r) => r.offset).join(',')}`);
  }
  return `subscribed in a group, read all ${RECORDS} records of 2 partitions in partition order`;
}

async function rebalancePath(ctx: CellContext): Promise<string> {
  const { topic, group } = names(ctx, 'rebalance');
  await ctx.io.createTopic(topic, 4);
  const spec = { bootstrap: ctx.io.bootstrap, topic, group };
  const show = (m: GroupMember | undefined) => JSON.stringify(m?.assignment() ?? null);
  const all = '[0,1,2,3]';
  const wait = 45_000;
  let a: GroupMember | undefined;
  let b: GroupMember | undefined;
  try {
    const op = ctx.history.invoke('member-a', 'subscribe', { topic, group });
    a = await ctx.driver.joinGroup(spec);
    await waitUntil(
      () => show(a) === all,
      () => `member A to own all 4 partitions (owns ${show(a)})`,
      wait,
    );
    op.ok({ topic, group, owned: a.assignment() });
    const opB = ctx.history.invoke('member-b', 'subscribe', { topic, group });
    b = await ctx.driver.joinGroup(spec);
    const split = () => {
      const x = a!.assignment() ?? [];
      const y = b!.assignment() ?? [];
      return x.length > 0 && y.length > 0 && JSON.stringify([...x, ...y].sort()) === all;
    };
    await waitUntil(split, () => `a split between A and B (A ${show(a)}, B ${show(b)})`, wait);
    const splitText = `A ${show(a)} + B ${show(b)}`;
    opB.ok({ topic, group, owned: b.assignment() });
    await b.close();
    b = undefined;
    await waitUntil(
      () => show(a) === all,
      () => `A to own all 4 again after B left (A owns ${show(a)})`,
      wait,
    );
    return `A ${all} → ${splitText} → B leaves → A ${all}`;
  } finally {
    await b?.close().catch(() => undefined);
    await a?.close().catch(() => undefined);
  }
}

async function commitResumePath(ctx: CellContext): Promise<string> {
  const { topic, group } = names(ctx, 'commit');
  await ctx.io.createTopic(topic, 1);
  const records = cellRecords(ctx.id, RECORDS);
  await neutralWrite(ctx, topic, 0, records);
  const first = await clientConsume(ctx, `${ctx.driver.id}-1`, { topic, group, count: 4, commit: true });
  expectValues(first, records.slice(0, 4), 'the first member');
  const committed = await ctx.io.committed(group, topic, 0);
  if (committed !== 4)
    fail(`after reading offsets 0-3 and committing, the group's committed offset is ${committed}, not 4`);
  const second = await clientConsume(ctx, `${ctx.driver.id}-2`, { topic, group, count: RECORDS - 4, commit: false });
  judge(ctx, checkConfig(ctx, -1, false));
  if (second[0]?.offset !== 4)
    fail(`a new member of the group resumed at offset ${second[0]?.offset}, not at the committed 4`);
  expectValues(second, records.slice(4), 'the resumed member');
  return 'read 0-3, committed 4 (seen by OffsetFetch), a new member resumed at 4 and read 4-9';
}

async function seekPath(ctx: CellContext): Promise<string> {
  const { topic } = names(ctx, 'seek');
  await ctx.io.createTopic(topic, 1);
  const records = cellRecords(ctx.id, RECORDS);
  await neutralWrite(ctx, topic, 0, records);
  const read = await clientConsume(ctx, ctx.driver.id, {
    topic,
    seek: { partition: 0, offset: 4 },
    count: RECORDS - 4,
    commit: false,
  });
  judge(ctx, checkConfig(ctx, -1, false));
  if (read.some((r, i) => r.offset !== 4 + i))
    fail(`after seek(4) read offsets ${read.map((r) => r.offset).join(',')}`);
  expectValues(read, records.slice(4), 'the read after seek(4)');
  return 'seek(4) read offsets 4-9';
}

/**
 * The client lists every topic (an all-topics metadata call: librdkafka's `list_topics()`,
 * kafkajs's `admin.listTopics()`); the cell's two fresh topics must be in the list, once each.
 */
async function listTopicsPath(ctx: CellContext): Promise<string> {
  if (!ctx.driver.listTopics) throw new ClientLimitation('the driver has no list-topics call');
  const { topic } = names(ctx, 'list');
  const mine = [`${topic}-a`, `${topic}-b`];
  for (const t of mine) await ctx.io.createTopic(t, 1);
  const op = ctx.history.invoke(ctx.driver.id, 'list-topics', {});
  let listed: string[];
  try {
    listed = await ctx.driver.listTopics(ctx.io.bootstrap, ctx.timeoutMs);
  } catch (err) {
    op.fail((err as Error).message);
    throw err;
  }
  op.ok({ topics: listed.length });
  for (const t of mine) {
    const n = listed.filter((x) => x === t).length;
    if (n !== 1) fail(`the client's topic list holds ${t} ${n} times (${listed.length} topics listed)`);
  }
  return `listed ${listed.length} topics, the cell's 2 new ones among them`;
}

/**
 * A group member subscribed to a pattern that matches two of three fresh topics: it must read
 * every record of the two, and none of the third. The client resolves the pattern against
 * all-topics metadata, the request librdkafka >= 2.1 writes with 3 bytes to spare.
 */
async function regexSubscribePath(ctx: CellContext): Promise<string> {
  const { topic, group } = names(ctx, 'regex');
  const per = 3;
  const of = (from: number) =>
    Array.from({ length: per }, (_, i) => ({ key: String(from + i), value: `${ctx.id}.${from + i}` }));
  const topics = { a: `${topic}-a`, b: `${topic}-b`, other: `${topic}-other` };
  const written = { a: of(0), b: of(per), other: of(2 * per) };
  for (const [k, t] of Object.entries(topics)) {
    await ctx.io.createTopic(t, 1);
    await neutralWrite(ctx, t, 0, written[k as keyof typeof topics]);
  }
  const pattern = `^${topic}-(a|b)$`;
  const read = await clientConsume(ctx, ctx.driver.id, {
    topic: topics.a,
    pattern,
    group,
    count: 2 * per,
    commit: false,
  });
  judge(ctx, checkConfig(ctx, -1, false));
  const byTopic = (t: string) => read.filter((r) => r.topic === t);
  if (read.some((r) => r.topic === undefined)) fail('the client did not say which topic a record came from');
  if (byTopic(topics.other).length > 0) fail(`the pattern ${pattern} also read ${topics.other}`);
  expectValues(byTopic(topics.a), written.a, `${topics.a} as the pattern's member read it`);
  expectValues(byTopic(topics.b), written.b, `${topics.b} as the pattern's member read it`);
  return `subscribed to ${pattern.replace(String(ctx.id), 'ID')}: read all ${2 * per} records of the 2 matching topics, none of the third`;
}

/** A pending op of the history (what `HistoryRecorder.invoke` returns). */
type Pending = ReturnType<HistoryRecorder['invoke']>;

/**
 * A transactional producer commits one transaction of 6 records over 2 partitions, then aborts
 * another of 6 (each its own transaction, under one transactional.id). The whole topic is then
 * read from the beginning at read_committed (the final read: exactly the committed records) and at
 * read_uncommitted (both transactions' records), over the raw protocol as Kafka's Java consumer
 * filters (scenarios/txn-read.ts). Every op is invoked before the client runs and completed after
 * it, in the order the client did them: begin, sends, end, as the transactional checkers read them.
 */
async function transactionsPath(ctx: CellContext): Promise<string> {
  if (!ctx.driver.transact) throw new ClientLimitation('the driver has no transactional producer');
  const { topic } = names(ctx, 'txn');
  const partitions = 2;
  const per = 6;
  await ctx.io.createTopic(topic, partitions);
  const transactionalId = `${topic}-tid`;
  const txnRecords = (from: number) =>
    cellRecords(ctx.id, 2 * per)
      .slice(from, from + per)
      .map((r, i) => ({ ...r, partition: i % partitions }));
  const transactions: TransactionToRun[] = [
    { records: txnRecords(0), outcome: 'commit' },
    { records: txnRecords(per), outcome: 'abort' },
  ];
  const process = ctx.driver.id;
  const h = ctx.history;
  const pending = transactions.map((t, n) => {
    const tag: TxnTag = { id: `${transactionalId}#${n}`, transactionalId };
    return {
      tag,
      begin: h.invoke(process, TXN_BEGIN, { id: tag.id, transactionalId }),
      sends: t.records.map((r) =>
        h.invoke(process, SEND, { topic, partition: r.partition, key: r.key, value: r.value, txn: tag }),
      ),
      end: h.invoke(process, END_TXN, { id: tag.id, outcome: t.outcome }),
    };
  });
  const unanswered = (ops: Pending[], why: string) => {
    for (const o of ops) o.info(why);
  };
  let outcomes: Awaited<ReturnType<NonNullable<typeof ctx.driver.transact>>>;
  try {
    outcomes = await ctx.driver.transact({
      bootstrap: ctx.io.bootstrap,
      topic,
      transactionalId,
      transactions,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (err) {
    for (const p of pending) unanswered([p.begin, ...p.sends, p.end], (err as Error).message);
    throw err;
  }
  pending.forEach((p, n) => {
    const t = transactions[n]!;
    const o = outcomes[n];
    if (!o?.begun) return unanswered([p.begin, ...p.sends, p.end], o?.error ?? 'the client reported nothing');
    p.begin.ok({
      id: p.tag.id,
      transactionalId,
      ...(o.producerId === undefined ? {} : { producerId: o.producerId, epoch: o.epoch }),
    });
    t.records.forEach((r, i) => {
      const s = o.sends.find((x) => x.value === r.value);
      if (!s || s.error !== undefined || s.partition === undefined)
        p.sends[i]!.info(s?.error ?? 'the client reported nothing for this record');
      else
        p.sends[i]!.ok({
          topic,
          partition: s.partition,
          offset: s.offset ?? -1,
          key: r.key,
          value: r.value,
          txn: p.tag,
        });
    });
    if (o.ended) p.end.ok({ id: p.tag.id, outcome: t.outcome });
    else p.end.info(o.error ?? 'no answer to the end of the transaction');
  });
  const failed = outcomes.find((o) => !o.begun || !o.ended || o.sends.some((s) => s.error !== undefined));
  if (failed || outcomes.length < transactions.length)
    fail(
      `transaction ${outcomes.indexOf(failed!)}: ${failed?.error ?? failed?.sends.find((s) => s.error)?.error ?? 'not run'}`,
    );
  const ends = async () => {
    const out = new Map<number, number>();
    for (let p = 0; p < partitions; p++) out.set(p, await ctx.io.endOffset(topic, p));
    return out;
  };
  for (const [process, isolation] of [
    [FINAL_READ, 'read_committed'],
    [FINAL_READ_UNCOMMITTED, 'read_uncommitted'],
  ] as const)
    await readAtIsolation(ctx.io.nodes, ends, topic, partitions, process, isolation, h, ctx.timeoutMs);
  judge(ctx, { ...checkConfig(ctx, -1, true), transactional: true });
  for (let p = 0; p < partitions; p++) {
    const at = (process: string) => readsOf(h.ops, process).filter((r) => r.partition === p);
    const of = (t: TransactionToRun[]) => t.flatMap((x) => x.records).filter((r) => r.partition === p);
    expectValues(at(FINAL_READ), of(transactions.slice(0, 1)), `partition ${p} at read_committed`);
    expectValues(at(FINAL_READ_UNCOMMITTED), of(transactions), `partition ${p} at read_uncommitted`);
  }
  return `committed ${per} records over ${partitions} partitions, aborted ${per}: read_committed read the committed ${per} only, read_uncommitted all ${2 * per}`;
}

const PATHS: Record<Feature, (ctx: CellContext) => Promise<string>> = {
  'acks=0': (ctx) => producePath(ctx, 'acks0', 0, false, 'none'),
  'acks=1': (ctx) => producePath(ctx, 'acks1', 1, false, 'none'),
  'acks=all': (ctx) => producePath(ctx, 'acksall', -1, false, 'none'),
  idempotent: (ctx) => producePath(ctx, 'idem', -1, true, 'none'),
  gzip: (ctx) => producePath(ctx, 'gzip', -1, false, 'gzip'),
  snappy: (ctx) => producePath(ctx, 'snappy', -1, false, 'snappy'),
  lz4: (ctx) => producePath(ctx, 'lz4', -1, false, 'lz4'),
  zstd: (ctx) => producePath(ctx, 'zstd', -1, false, 'zstd'),
  headers: headersPath,
  group: groupPath,
  rebalance: rebalancePath,
  'commit-resume': commitResumePath,
  seek: seekPath,
  'list-topics': listTopicsPath,
  'regex-subscribe': regexSubscribePath,
  transactions: transactionsPath,
};

let cellCounter = 0;

/** Options of {@link runCell}. */
export interface RunCellOptions {
  /** Where to write the cell's history (`DIR/<client>/<feature>.history.jsonl`); none: memory only. */
  outDir?: string;
  timeoutMs?: number;
}

/** Runs one cell and classifies its outcome; never throws for a client or broker failure. */
export async function runCell(
  driver: ClientDriver,
  feature: Feature,
  io: NeutralIO,
  opts: RunCellOptions = {},
): Promise<CellResult> {
  let file: string | undefined;
  if (opts.outDir) {
    const dir = join(opts.outDir, driver.id);
    await mkdir(dir, { recursive: true });
    file = join(dir, `${feature.replace('=', '-')}.history.jsonl`);
  }
  const history = new HistoryRecorder(file);
  // Unique across runs against a long-lived (external) broker as well: ids feed topic names.
  const id = (Date.now() % 1_000_000) * 100 + (cellCounter++ % 100);
  const started = Date.now();
  const note = driver.notes?.[feature];
  const result = (status: CellStatus, detail: string): CellResult => ({
    client: driver.id,
    feature,
    status,
    detail,
    ...(note ? { note } : {}),
    ms: Date.now() - started,
  });
  try {
    const detail = await PATHS[feature]({ driver, io, id, history, timeoutMs: opts.timeoutMs ?? 30_000 });
    return result('works', detail);
  } catch (err) {
    const message = (err as Error).message.replace(/\s+/g, ' ').trim();
    if (err instanceof ClientUnavailable) return result('unavailable', message);
    if (err instanceof ClientLimitation) return result('limitation', message);
    const known = driver.limitations?.[feature];
    if (known) return result('limitation', `${known} (${message})`);
    return result('fails', message);
  } finally {
    await history.close();
  }
}
