/**
 * Running the kconform CLI from tests as a user would (a child process of main.ts), with its
 * output captured. The one helper for new CLI tests; older suites still carry their own copies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/** A running `kconform` child process. */
export interface CliRun {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** True when the run was killed because it outlived its timeout. */
  timedOut(): boolean;
}

/** Options of {@link startKconform}. */
export interface CliOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Text written to stdin, which is then closed (default: stdin closed at once). */
  stdin?: string;
  /** SIGKILL after this long (default 180 s); {@link CliRun.timedOut} then says so. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** Starts `kconform ARGS`. */
export function startKconform(args: string[], opts: CliOptions = {}): CliRun {
  const child = spawn(process.execPath, [join(repoRoot, 'app/cli/main.ts'), ...args], {
    cwd: opts.cwd ?? repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(opts.stdin ?? '');
  const exited = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { child, output: () => ({ stdout, stderr }), exited, timedOut: () => killed };
}

/** The outcome of a finished `kconform` run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `kconform ARGS` to the end. */
export async function kconform(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const run = startKconform(args, opts);
  const code = await run.exited;
  return { code, ...run.output(), timedOut: run.timedOut() };
}
