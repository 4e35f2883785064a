/**
 * Running the kconform CLI from tests as a user would (a child process of main.ts, or of the
 * `./kconform` wrapper), with its output captured: the one helper every suite uses, for commands
 * run to the end ({@link kconform}) and for long-running ones watched from outside
 * ({@link startKconform}: what they print, when they exit, with which code).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const repoRoot = join(import.meta.dirname, '..', '..');
/** The CLI's entry point, for suites that must start it some other way (in a network namespace, behind a shell pipe). */
export const kconformMain = join(repoRoot, 'app', 'cli', 'main.ts');
/** The `./kconform` wrapper script. */
const WRAPPER = join(repoRoot, 'kconform');

/** A running `kconform` child process; disposing it stops the process if it is still running. */
export interface CliRun extends AsyncDisposable {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** stdout so far. */
  stdout(): string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects after `timeoutMs` or when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended and its output is read. */
  readonly exited: Promise<number | null>;
  /** True when the run was killed because it outlived its timeout. */
  timedOut(): boolean;
}

/** Options of {@link startKconform} and {@link kconform}. */
export interface CliOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Text written to stdin, which is then closed (default: no stdin). */
  stdin?: string;
  /** Stop the process after this long; {@link CliRun.timedOut} then says so (default: none for startKconform, 180 s for kconform). */
  timeoutMs?: number;
  /** The signal that stops a run past `timeoutMs` (default SIGKILL; SIGINT lets it stop the brokers it started). */
  timeoutSignal?: NodeJS.Signals;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Run through the `./kconform` wrapper script, as a user types it, rather than main.ts. */
  wrapper?: boolean;
}

/** How long output may still arrive after the process exited (a grandchild may hold its pipes). */
const DRAIN_MS = 5_000;

/** Starts `kconform ARGS`. */
export function startKconform(args: readonly string[], opts: CliOptions = {}): CliRun {
  const [command, argv] = opts.wrapper ? [WRAPPER, [...args]] : [process.execPath, [kconformMain, ...args]];
  const child = spawn(command, argv, {
    cwd: opts.cwd ?? repoRoot,
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let stdout = '';
  let stderr = '';
  let killed = false;
  let done = false;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    changed();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    changed();
  });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          killed = true;
          child.kill(opts.timeoutSignal ?? 'SIGKILL');
        }, opts.timeoutMs);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      let drain: NodeJS.Timeout | undefined;
      void Promise.race([closed, new Promise<void>((r) => (drain = setTimeout(r, DRAIN_MS)))]).then(() => {
        clearTimeout(drain);
        done = true;
        changed();
        resolve(code);
      });
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = `${stdout}\n${stderr}`.match(pattern);
        if (m) return finish(() => resolve(m));
        if (done)
          return finish(() => reject(new Error(`kconform exited before printing ${pattern}:\n${stdout}\n${stderr}`)));
      };
      const timeout = setTimeout(
        () => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`))),
        timeoutMs,
      );
      const finish = (then: () => void) => {
        clearTimeout(timeout);
        listeners.delete(check);
        then();
      };
      listeners.add(check);
      check();
    });
  const dispose = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const hard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(hard);
  };
  return {
    child,
    output: () => ({ stdout, stderr }),
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor,
    exited,
    timedOut: () => killed,
    [Symbol.asyncDispose]: dispose,
  };
}

/** The outcome of a finished `kconform` run (a run that timed out rejects instead). */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `kconform ARGS` to the end; rejects, with what it printed, when it outlives `timeoutMs` (180 s unless given). */
export async function kconform(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const run = startKconform(args, { ...opts, timeoutMs: opts.timeoutMs ?? 180_000 });
  const code = await run.exited;
  const { stdout, stderr } = run.output();
  if (run.timedOut()) throw new Error(`kconform ${args.join(' ')} timed out\n${stdout}\n${stderr}`);
  return { code, stdout, stderr };
}
