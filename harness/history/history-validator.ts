/**
 * What makes a history impossible, beyond the shape of each line: a completion (ok, fail,
 * info) with no invocation of its operation open before it, a completion earlier in time than
 * its invocation, an index used twice, an acknowledged or read offset below -1 / a negative
 * partition, and no ops at all. A checker fed such a history would judge events that never
 * happened (and say PASS), so `kconform check` refuses it instead.
 *
 * Pure: ops in, problems out. Ops are assumed to have passed `validateOp` (the per-line shape).
 * Pipelined operations are allowed, as the recorder writes them: a process may invoke several
 * ops of one kind before they complete; each completion closes the oldest open invocation of
 * the same process and `f`, as the checkers read it.
 */
import type { Op } from './history.ts';

/** One problem, at a 1-based line of the file (or op position when validating a list). */
export interface HistoryProblem {
  line: number;
  problem: string;
}

/** Offsets a client may hold: -1 is "not reported" (an acks=0 send); anything lower is not an offset. */
const LOWEST_OFFSET = -1;

interface Open {
  line: number;
  time: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a record a client was told about (an ok send's value, a polled record) cannot be, or null. */
function recordPlace(r: unknown, what: string, lowest: number): string | null {
  if (!isObject(r)) return null;
  if (typeof r.partition === 'number' && r.partition < 0)
    return `${what} has partition ${r.partition}: partitions are numbered from 0`;
  if (typeof r.offset === 'number' && r.offset < lowest)
    return lowest === 0
      ? `${what} has offset ${r.offset}: a record read from a log has an offset of 0 or more`
      : `${what} has offset ${r.offset}: offsets are 0 or more (-1 only for "not reported", as an acks=0 send)`;
  return null;
}

const who = (op: Op) => `${op.type} ${op.f} of process ${JSON.stringify(op.process)}`;

/**
 * Validates a history op by op, as it is read. Call {@link add} for each op in file order with
 * its line number, then {@link finish} once.
 */
export class HistoryValidator {
  private readonly lineOfIndex = new Map<number, number>();
  private readonly open = new Map<string, Open[]>();
  private ops = 0;

  /** The problem with `op` (read from `line`) given the ops before it, or null. */
  add(op: Op, line: number): string | null {
    this.ops++;
    if (op.index < 0) return `index ${op.index} is negative`;
    const earlier = this.lineOfIndex.get(op.index);
    if (earlier !== undefined) return `index ${op.index} is used twice (first at line ${earlier})`;
    this.lineOfIndex.set(op.index, line);

    const key = `${typeof op.process}:${String(op.process)}\u0000${op.f}`;
    if (op.type === 'invoke') {
      const queue = this.open.get(key);
      if (queue) queue.push({ line, time: op.time });
      else this.open.set(key, [{ line, time: op.time }]);
      return null;
    }
    const invoked = this.open.get(key)?.shift();
    if (!invoked)
      return `${who(op)} completes nothing: no invoke of it is open before this line (a completion must follow its invoke)`;
    if (op.time < invoked.time)
      return `${who(op)} completes at time ${op.time}, before its invoke at line ${invoked.line} (time ${invoked.time})`;
    if (op.type === 'ok' && op.f === 'send') return recordPlace(op.value, 'acknowledged send', LOWEST_OFFSET);
    if (op.type === 'ok' && op.f === 'poll' && isObject(op.value) && Array.isArray(op.value.records)) {
      for (let i = 0; i < op.value.records.length; i++) {
        const p = recordPlace(op.value.records[i], `polled record ${i}`, 0);
        if (p) return p;
      }
    }
    return null;
  }

  /** The problem with the history as a whole once every op was added, or null. */
  finish(): string | null {
    return this.ops === 0 ? 'the history has no ops (an empty history cannot be checked)' : null;
  }
}

/** Every line's first problem in a list of ops (line = position + 1), and the whole history's. */
export function validateHistory(ops: readonly Op[]): HistoryProblem[] {
  const v = new HistoryValidator();
  const out: HistoryProblem[] = [];
  ops.forEach((op, i) => {
    const problem = v.add(op, i + 1);
    if (problem) out.push({ line: i + 1, problem });
  });
  const whole = v.finish();
  if (whole) out.push({ line: 0, problem: whole });
  return out;
}
