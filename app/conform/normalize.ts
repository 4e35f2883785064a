/**
 * Turns one broker's decoded answer into a value that can be compared with another broker's:
 * what legitimately differs between two correct brokers (node ids, hosts, ports, cluster id,
 * topic/member/producer ids, wall-clock times, throttling, error texts, the order of lists
 * Kafka does not promise to order) is replaced by placeholders or moved aside as info.
 */
import { createHash } from 'node:crypto';
import { errorName } from '../../protocol/errors/generated/error-codes.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import type { IdentityMap } from './identity-map.ts';

/** What one side did with a request. */
export type Outcome =
  | { kind: 'answer'; body: unknown }
  /** The broker closed the connection instead of answering. */
  | { kind: 'closed' }
  | { kind: 'timeout'; ms: number }
  /** acks=0: no answer expected, and the connection stayed open. */
  | { kind: 'no-answer' }
  | { kind: 'undecodable'; error: string };

/** A normalized answer: the part that must match, and what is shown only as information. */
export interface Normalized {
  value: unknown;
  /** Error messages and other texts that may differ between correct brokers, by path. */
  info: Record<string, string>;
}

/** What the normalizer needs to know about the run. */
export interface NormalizeContext {
  readonly ids: IdentityMap;
  /** True for topics this run made or asked about; other topics (internal ones, leftovers on an external broker) are left out of list answers. */
  readonly ownTopic: (name: string) => boolean;
  /** Same for groups. */
  readonly ownGroup: (groupId: string) => boolean;
  /** Wall-clock "now" in ms; int64 times within a day of it are server clocks. */
  readonly now?: number;
}

const DAY_MS = 86_400_000;

const NODE_ID_KEYS = new Set(['nodeId', 'leaderId', 'controllerId', 'brokerId', 'coordinatorId']);
const NODE_LIST_KEYS = new Set([
  'replicaNodes',
  'isrNodes',
  'offlineReplicas',
  'eligibleLeaderReplicas',
  'lastKnownElr',
  'replicas',
  'isr',
]);
const MEMBER_KEYS = new Set(['memberId', 'leader']);
/** Keys by which list elements are sorted, in order of preference (the first one an element has). */
const SORT_KEYS = [
  'apiKey',
  'name',
  'topic',
  'topicName',
  'topicId',
  'groupId',
  'partitionIndex',
  'partition',
  'index',
  'nodeId',
  'memberId',
  'key',
];

/** Outcomes that are not answers, as the strings diffs show. */
export function outcomeLabel(o: Outcome): string {
  switch (o.kind) {
    case 'closed':
      return '<connection closed>';
    case 'timeout':
      return `<no answer within ${o.ms} ms>`;
    case 'no-answer':
      return '<no answer (acks=0), connection open>';
    case 'undecodable':
      return '<undecodable answer>';
    case 'answer':
      return '<answer>';
  }
}

/** Normalizes what one side did with a request of `apiKey` at `version`. */
export function normalizeOutcome(apiKey: number, version: number, outcome: Outcome, ctx: NormalizeContext): Normalized {
  if (outcome.kind === 'undecodable') return { value: outcomeLabel(outcome), info: { '': outcome.error } };
  if (outcome.kind !== 'answer') return { value: outcomeLabel(outcome), info: {} };
  return normalizeBody(apiKey, version, outcome.body, ctx);
}

/** Normalizes a decoded response body. */
export function normalizeBody(apiKey: number, _version: number, body: unknown, ctx: NormalizeContext): Normalized {
  const info: Record<string, string> = {};
  learnTopicIds(body, ctx.ids);
  const value = walk(apiSpecific(apiKey, body, ctx, info), '', ctx, info);
  return { value, info };
}

/** Teaches the identity map every (name, topicId) pair the answer carries, before ids are replaced. */
function learnTopicIds(v: unknown, ids: IdentityMap): void {
  if (Array.isArray(v)) {
    for (const e of v) learnTopicIds(e, ids);
    return;
  }
  if (!isPlainObject(v)) return;
  const name = typeof v.name === 'string' ? v.name : typeof v.topic === 'string' ? v.topic : undefined;
  if (name && typeof v.topicId === 'string') ids.learnTopicId(name, v.topicId);
  for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) learnTopicIds(x, ids);
}

/** Rules that only make sense for one API. */
function apiSpecific(apiKey: number, body: unknown, ctx: NormalizeContext, info: Record<string, string>): unknown {
  if (!isPlainObject(body)) return body;
  switch (apiKey) {
    case 18: {
      // Which APIs and features each broker has is what the matrix's unsupported cells show;
      // here only whether the request was understood counts.
      const rest: Record<string, unknown> = { ...body };
      for (const k of [
        'apiKeys',
        'supportedFeatures',
        'finalizedFeatures',
        'finalizedFeaturesEpoch',
        'zkMigrationReady',
      ])
        delete rest[k];
      info.apiKeys = `${Array.isArray(body.apiKeys) ? body.apiKeys.length : 0} APIs advertised`;
      return rest;
    }
    case 3:
    case 75: {
      // all-topics answers list internal topics and, on an external broker, others' topics
      if (!Array.isArray(body.topics)) return body;
      const own = body.topics.filter((t) => !isPlainObject(t) || typeof t.name !== 'string' || ctx.ownTopic(t.name));
      const left = body.topics.length - own.length;
      if (left) info.topics = `${left} topics of others (internal or not made by this run) left out`;
      return { ...body, topics: own };
    }
    case 16: {
      if (!Array.isArray(body.groups)) return body;
      const own = body.groups.filter(
        (g) => !isPlainObject(g) || typeof g.groupId !== 'string' || ctx.ownGroup(g.groupId),
      );
      if (own.length !== body.groups.length)
        info.groups = `${body.groups.length - own.length} groups not made by this run left out`;
      return { ...body, groups: own };
    }
    default:
      return body;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function join(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function isServerTime(key: string, v: unknown, now: number): boolean {
  if (!/time|timestamp/i.test(key)) return false;
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) && Math.abs(n - now) < DAY_MS;
}

function walk(v: unknown, path: string, ctx: NormalizeContext, info: Record<string, string>, key = ''): unknown {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return key === 'records' ? normalizeRecords(v, ctx) : `hex:${v.toString('hex')}`;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) {
    const items = v.map((e, i) => walk(e, join(path, i), ctx, info, key));
    return sortUnordered(items);
  }
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = join(path, k);
    if (k === '_unknownTaggedFields') {
      if (Array.isArray(x) && x.length)
        out[k] = x.map((t: { tag: number; data: Buffer }) => `${t.tag}:${t.data.toString('hex')}`);
      continue;
    }
    if (k === 'throttleTimeMs') continue;
    if (/errorMessage$/i.test(k)) {
      if (typeof x === 'string' && x) info[p] = x;
      continue;
    }
    out[k] = normalizeField(k, x, p, ctx, info);
  }
  return out;
}

function normalizeField(
  k: string,
  x: unknown,
  p: string,
  ctx: NormalizeContext,
  info: Record<string, string>,
): unknown {
  const ids = ctx.ids;
  if ((k === 'errorCode' || k.endsWith('ErrorCode')) && typeof x === 'number')
    return x === 0 ? 0 : `${x} ${errorName(x)}`;
  if ((k === 'host' || k === 'clientHost') && typeof x === 'string') return x ? '<host>' : x;
  if (k === 'port' && typeof x === 'number') return '<port>';
  // where a broker keeps its logs is its configuration (and "(in memory)" without a data dir), not behaviour
  if (k === 'logDir' && typeof x === 'string') return x ? '<log-dir>' : x;
  if (k === 'clusterId' && typeof x === 'string') return '<cluster>';
  if (NODE_ID_KEYS.has(k) && typeof x === 'number') return x >= 0 ? ids.placeholder('node', x) : x;
  if (NODE_LIST_KEYS.has(k) && Array.isArray(x))
    return x.map((n) => (typeof n === 'number' && n >= 0 ? ids.placeholder('node', n) : n));
  if (k === 'topicId' && typeof x === 'string')
    return x === '00000000-0000-0000-0000-000000000000' ? x : ids.placeholder('topic-id', x);
  if (MEMBER_KEYS.has(k) && typeof x === 'string') return x ? ids.placeholder('member', x) : x;
  if (k === 'producerId' && typeof x === 'bigint') return x >= 0n ? ids.placeholder('pid', x) : x.toString();
  if (k === 'sessionId' && typeof x === 'number') return x !== 0 ? '<session>' : 0;
  if (k === 'logAppendTimeMs' && typeof x === 'bigint') return x === -1n ? '-1' : '<time>';
  if (isServerTime(k, x, ctx.now ?? Date.now())) return '<now>';
  return walk(x, p, ctx, info, k);
}

/** Sorts lists whose order Kafka does not promise (lists of structs with a name-like key). */
function sortUnordered(items: unknown[]): unknown[] {
  if (items.length < 2 || !items.every(isPlainObject)) return items;
  const first = items[0] as Record<string, unknown>;
  const keys = SORT_KEYS.filter((k) => k in first && items.every((e) => k in (e as Record<string, unknown>)));
  if (!keys.length) return items;
  // every name-like key, in order: Produce v13+ answers carry topicId with an empty name, so the
  // name alone would leave their topics in the order each broker happened to answer them
  const sortKey = (e: unknown) =>
    keys
      .map((key) => {
        const s = (e as Record<string, unknown>)[key];
        return typeof s === 'number' ? s.toString().padStart(12, '0') : JSON.stringify(s);
      })
      .join('\u0000');
  return [...items].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

/**
 * Record batches as what a consumer sees: offsets, timestamps, keys, values, headers, codec,
 * and producer identity by placeholder. The CRC is left out (it covers the producer id).
 */
function normalizeRecords(buf: Buffer, ctx: NormalizeContext): unknown {
  if (buf.length === 0) return [];
  try {
    return decodeRecordBatches(buf, { allowPartialTrailing: true }).map((b) => ({
      baseOffset: b.baseOffset,
      lastOffsetDelta: b.lastOffsetDelta,
      partitionLeaderEpoch: b.partitionLeaderEpoch,
      attributes: b.attributes,
      producerId: b.producerId >= 0 ? ctx.ids.placeholder('pid', BigInt(b.producerId)) : b.producerId,
      producerEpoch: b.producerEpoch,
      baseSequence: b.baseSequence,
      maxTimestamp: Math.abs(b.maxTimestamp - (ctx.now ?? Date.now())) < DAY_MS ? '<now>' : b.maxTimestamp,
      records: b.records.map((r) => ({
        offset: b.baseOffset + r.offsetDelta,
        timestamp:
          Math.abs(b.baseTimestamp + r.timestampDelta - (ctx.now ?? Date.now())) < DAY_MS
            ? '<now>'
            : b.baseTimestamp + r.timestampDelta,
        key: r.key?.toString('hex') ?? null,
        value:
          r.value === null
            ? null
            : r.value.length > 64
              ? `${r.value.length} bytes, sha1 ${sha1(r.value)}`
              : r.value.toString('hex'),
        headers: r.headers.map((h) => [h.key, h.value?.toString('hex') ?? null]),
      })),
    }));
  } catch (err) {
    return `<undecodable records: ${(err as Error).message}>`;
  }
}

function sha1(b: Buffer): string {
  return createHash('sha1').update(b).digest('hex').slice(0, 12);
}
