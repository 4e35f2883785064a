/** Running the kconform CLI from the load suites, with its output captured. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** A running `kconform` child process. */
export interface CliRun {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts `kconform ARGS` in `cwd`; kills it after `timeoutMs`. */
export function startKconform(args: string[], cwd: string, timeoutMs = 180_000): CliRun {
  const child = spawn(process.execPath, [join(root, 'app/cli/main.ts'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Runs `kconform ARGS` to the end. */
export async function kconform(args: string[], cwd: string, timeoutMs = 180_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startKconform(args, cwd, timeoutMs);
  const code = await run.exited;
  return { code, ...run.output() };
}
