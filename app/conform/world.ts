/**
 * The names and records every conform run prepares on both brokers, and the small pools that
 * generated requests draw from, so that both brokers are asked about the same things.
 */
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';

/** Topics, groups and pools of one run. */
export interface World {
  /** Prefix of every topic and group this run makes. */
  readonly prefix: string;
  readonly topics: {
    /** 3 partitions; p0 holds 3 records in one batch and 2 in a gzip batch, p1 one record. */
    readonly multi: string;
    /** 1 partition with records in 3 batches. */
    readonly single: string;
    /** 1 partition, never written by the preparation. */
    readonly empty: string;
    /** 1 partition, 4 records, log start moved to 2 by DeleteRecords. */
    readonly trimmed: string;
    /** 1 partition that only Produce's edge cases write to (their outcomes may differ; no other case reads it). */
    readonly sink: string;
    /** 1 partition, 10 records in 2 batches: DeleteRecords' own topic. */
    readonly deletable: string;
    /** Never created (no request of the run auto-creates it). */
    readonly missing: string;
    /** Not a legal topic name. */
    readonly invalid: string;
  };
  readonly groups: {
    /** Offsets committed by the preparation (simple consumer commits, no members). */
    readonly committed: string;
    /** Never used. */
    readonly missing: string;
    /** Where generated group requests join and leave. */
    readonly generated: string;
  };
  /** Topic names generated requests draw from. */
  readonly topicPool: readonly string[];
  /** Group ids generated requests draw from. */
  readonly groupPool: readonly string[];
}

/** Builds the world of a run; `tag` separates runs that share an external broker. */
export function makeWorld(tag = ''): World {
  const prefix = tag ? `conform-${tag}-` : 'conform-';
  const topics = {
    multi: `${prefix}multi`,
    single: `${prefix}single`,
    empty: `${prefix}empty`,
    trimmed: `${prefix}trimmed`,
    sink: `${prefix}sink`,
    deletable: `${prefix}deletable`,
    missing: `${prefix}missing`,
    invalid: `${prefix}bad name!`,
  };
  const groups = { committed: `${prefix}group`, missing: `${prefix}no-group`, generated: `${prefix}gen-group` };
  return {
    prefix,
    topics,
    groups,
    topicPool: [topics.multi, topics.single, topics.empty, topics.trimmed, topics.missing, topics.invalid, ''],
    groupPool: [groups.committed, groups.missing, groups.generated, ''],
  };
}

/** True for names this run made or asks about (list answers leave others out). */
export function ownedBy(world: World): (name: string) => boolean {
  return (name) => name.startsWith(world.prefix);
}

const DAY_MS = 86_400_000;

/**
 * The create time of the first prepared record: midnight (UTC) three days ago, the same for
 * both brokers. Recent enough that Kafka's time-based retention and segment rolling (7 days by
 * default) leave the records alone, and old enough that normalization does not take it for a
 * server clock ("now" ± 1 day).
 */
export const T0 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS;

/** A small valid batch of `n` records with fixed timestamps (T0 + i s) and the given codec. */
export function fixedBatch(n: number, label: string, compression: 'none' | 'gzip' = 'none', t = T0): Buffer {
  return buildRecordBatch(
    Array.from({ length: n }, (_, i) => ({
      key: `k${i}`,
      value: `${label}-${i}`,
      timestamp: t + i * 1000,
      headers: i === 0 ? [{ key: 'h', value: 'v' }] : [],
    })),
    { compression },
  );
}
