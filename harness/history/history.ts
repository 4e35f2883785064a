import { createWriteStream, type WriteStream } from 'node:fs';

/** Jepsen-style op types: an invocation, then its completion as ok, fail or info (unknown outcome). */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

/** One line of history.jsonl. `process` names the client (or 'nemesis'); `f` the operation. */
export interface Op {
  index: number;
  /** Milliseconds since the run started. */
  time: number;
  process: string | number;
  type: OpType;
  f: string;
  value: unknown;
  error?: string;
}

/**
 * Records a run's operations in memory and as JSON lines on disk (the history is the source of
 * truth the checkers read). Each invocation is completed exactly once.
 */
export class HistoryRecorder {
  readonly ops: Op[] = [];
  private readonly started = performance.now();
  private readonly out: WriteStream | undefined;
  private closed = false;

  constructor(path?: string) {
    this.out = path ? createWriteStream(path, { flags: 'w' }) : undefined;
  }

  private add(process: Op['process'], type: OpType, f: string, value: unknown, error?: string): Op {
    const op: Op = {
      index: this.ops.length,
      time: Math.round((performance.now() - this.started) * 1000) / 1000,
      process,
      type,
      f,
      value,
    };
    if (error !== undefined) op.error = error;
    this.ops.push(op);
    // An aborted run's scenario may still record after the file is closed: keep it in memory only.
    if (!this.closed)
      this.out?.write(JSON.stringify(op, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
    return op;
  }

  /** Records an invocation; call one of the returned functions when it completes. */
  invoke(
    process: Op['process'],
    f: string,
    value: unknown,
  ): {
    ok(value: unknown): void;
    fail(error: string, value?: unknown): void;
    info(error: string, value?: unknown): void;
  } {
    this.add(process, 'invoke', f, value);
    let done = false;
    const complete = (type: OpType, v: unknown, error?: string) => {
      if (done) throw new Error(`op ${f} of ${String(process)} completed twice`);
      done = true;
      this.add(process, type, f, v, error);
    };
    return {
      ok: (v) => complete('ok', v),
      fail: (error, v = value) => complete('fail', v, error),
      info: (error, v = value) => complete('info', v, error),
    };
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    const out = this.out;
    if (!out) return;
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
