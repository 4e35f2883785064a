/**
 * `kconform broker` as a child process, for tests that need what only a process has: its own
 * RSS, its exit code and stderr, a file-descriptor limit (`ulimit -n`), a second broker on the
 * same data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { kconformMain } from './kconform-cli.ts';

/** A started (or failed) broker process. */
export interface BrokerProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<number | null>;
}

/** Options of {@link spawnBroker}. */
export interface SpawnBrokerOptions {
  env?: NodeJS.ProcessEnv;
  /** Run under `ulimit -n N` (through bash). */
  fdLimit?: number;
}

/** Spawns `kconform broker ARGS` (add `--port 0` yourself); see {@link waitReady}. */
export function spawnBroker(args: readonly string[], opts: SpawnBrokerOptions = {}): BrokerProcess {
  const env = { ...process.env, ...opts.env };
  const child = opts.fdLimit
    ? spawn(
        'bash',
        ['-c', `ulimit -n ${opts.fdLimit} && exec "$0" "$@"`, process.execPath, kconformMain, 'broker', ...args],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      )
    : spawn(process.execPath, [kconformMain, 'broker', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  // A test that times out never stops its broker: do not leave it running after the test process.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', orphanGuard);
      resolve(code);
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/** Waits for "ready on HOST:PORT" and returns the address; throws with the output if the broker exits first. */
export async function waitReady(p: BrokerProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /ready on (\S+:\d+)/.exec(p.output());
    if (m) return m[1]!;
    if (p.child.exitCode !== null || p.child.signalCode !== null)
      throw new Error(`broker exited (${p.child.exitCode ?? p.child.signalCode}) before it was ready:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`broker not ready in ${timeoutMs} ms:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}
