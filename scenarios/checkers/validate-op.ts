import { expectedCodes } from './protocol-expectations.ts';
import { END_OFFSETS, PLAN } from './scenario-plan.ts';
import { END_TXN, POLL, SEND, TXN_BEGIN } from '../../harness/history/ops.ts';

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => typeof v === 'string' || typeof v === 'number';

function recordProblem(r: unknown, where: string): string | null {
  if (!isObject(r)) return `${where} is not an object`;
  if (typeof r.topic !== 'string') return `${where}.topic is not a string`;
  if (!Number.isInteger(r.partition)) return `${where}.partition is not a whole number`;
  if (!Number.isInteger(r.offset)) return `${where}.offset is not a whole number`;
  // Left out means null: JSON drops undefined, and drivers write what they have.
  if (r.key !== undefined && r.key !== null && typeof r.key !== 'string')
    return `${where}.key is neither a string nor null`;
  if (r.value !== undefined && r.value !== null && typeof r.value !== 'string')
    return `${where}.value is neither a string nor null`;
  return null;
}

/**
 * Why `x` (one parsed line of history.jsonl) is not an op the checkers can read, or null when it
 * is. Beyond the op shape of harness/history/history.ts it checks what the checkers rely on:
 * ok sends acknowledge a record, ok polls return `records`, and the `txn`, `isolation`,
 * `expect` and end-txn conventions, a scenario's `plan` and a reader's `end-offsets` (see
 * scenario-plan.ts) have the documented shapes.
 */
export function validateOp(x: unknown): string | null {
  if (!isObject(x)) return 'not a JSON object';
  if (!Number.isInteger(x.index)) return 'index is not a whole number';
  if (typeof x.time !== 'number' || !Number.isFinite(x.time)) return 'time is not a number';
  if (!isId(x.process)) return 'process is neither a string nor a number';
  if (typeof x.type !== 'string' || !TYPES.has(x.type)) return `type is not one of invoke, ok, fail, info`;
  if (typeof x.f !== 'string') return 'f is not a string';
  if (x.error !== undefined && typeof x.error !== 'string') return 'error is not a string';
  const v = x.value;
  if (x.type === 'invoke' && isObject(v) && v.expect !== undefined && !expectedCodes(v))
    return 'value.expect.errorCode is neither a number nor a list of numbers';
  if (x.type !== 'invoke' && isObject(v) && v.errorCode !== undefined && !Number.isInteger(v.errorCode))
    return 'value.errorCode is not a whole number';
  if (x.f === SEND) {
    if (x.type === 'ok') {
      const p = recordProblem(v, 'value');
      if (p) return `ok send: ${p}`;
    }
    if (isObject(v) && v.txn !== undefined) {
      if (!isObject(v.txn) || !isId(v.txn.id)) return 'send: value.txn must be {id, outcome?}';
      if (v.txn.outcome !== undefined && v.txn.outcome !== 'commit' && v.txn.outcome !== 'abort')
        return "send: value.txn.outcome must be 'commit' or 'abort'";
    }
  } else if (x.f === POLL) {
    if (
      isObject(v) &&
      v.isolation !== undefined &&
      v.isolation !== 'read_committed' &&
      v.isolation !== 'read_uncommitted'
    )
      return "poll: value.isolation must be 'read_committed' or 'read_uncommitted'";
    if (x.type === 'ok') {
      if (!isObject(v) || !Array.isArray(v.records)) return 'ok poll: value.records is not a list';
      for (let i = 0; i < v.records.length; i++) {
        const p = recordProblem(v.records[i], `value.records[${i}]`);
        if (p) return `ok poll: ${p}`;
      }
    }
  } else if (x.f === PLAN && (x.type === 'invoke' || x.type === 'ok')) {
    if (!isObject(v) || typeof v.scenario !== 'string') return 'plan: value must be {scenario, ...}';
  } else if (x.f === END_OFFSETS && x.type === 'ok') {
    if (!isObject(v) || typeof v.topic !== 'string' || !isObject(v.ends))
      return 'ok end-offsets: value must be {topic, ends: {partition: offset}}';
    for (const [p, end] of Object.entries(v.ends)) {
      if (!/^\d+$/.test(p))
        return `ok end-offsets: value.ends names partition ${JSON.stringify(p)}: partitions are whole numbers from 0`;
      if (!Number.isInteger(end) || (end as number) < 0)
        return `ok end-offsets: value.ends[${p}] is not an offset (a whole number, 0 or more)`;
    }
  } else if (x.f === END_TXN && x.type === 'invoke') {
    if (!isObject(v) || !isId(v.id) || (v.outcome !== 'commit' && v.outcome !== 'abort'))
      return "end-txn: value must be {id, outcome: 'commit' | 'abort'}";
  } else if (x.f === TXN_BEGIN && (x.type === 'invoke' || x.type === 'ok')) {
    if (!isObject(v) || !isId(v.id) || typeof v.transactionalId !== 'string')
      return 'txn-begin: value must be {id, transactionalId, producerId?, epoch?}';
    if (x.type === 'ok' && ['producerId', 'epoch'].some((k) => v[k] !== undefined && !Number.isInteger(v[k])))
      return 'ok txn-begin: value.producerId and value.epoch must be whole numbers';
  }
  return null;
}
