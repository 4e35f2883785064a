/**
 * Spawning a process in its own process group so that it and everything it starts can be
 * signalled together, and so that none of it outlives this Node process: groups are killed
 * on `exit`, SIGINT and SIGTERM, and a tiny `sh` guard per group kills it when the pipe from
 * this process closes, which also covers this process dying by SIGKILL. A similar guard
 * removes a temporary directory left behind that way.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running process group. */
export interface ProcessGroup {
  /** The group leader; its pid is the group id. */
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the leader has exited (never rejects). */
  readonly exited: Promise<ExitStatus>;
  /** The exit status once known. */
  readonly exitStatus: ExitStatus | undefined;
  /** Sends `signal` to every process of the group; a no-op once the leader has exited. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, then SIGKILL if the leader is still there after `graceMs`. */
  stop(graceMs?: number): Promise<ExitStatus>;
}

/** Options of {@link spawnProcessGroup}. */
export interface SpawnGroupOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
  /** How long the guard waits between SIGTERM and SIGKILL once this process is gone. */
  orphanGraceMs?: number;
}

const live = new Set<number>();
let hooksInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // SIGTERM, not SIGKILL: the guard of each group follows up with SIGKILL after its grace.
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGTERM');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      for (const pid of live) killGroup(pid, 'SIGTERM');
      // Keep the default behaviour (die by the signal) unless someone else handles it.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

// Reads its stdin until EOF (this Node process is gone or let go of it), then ends the group.
const GUARD_SCRIPT =
  'while read -r _; do :; done; kill -TERM -"$1" 2>/dev/null; sleep "$2"; kill -KILL -"$1" 2>/dev/null';

function startGuard(pid: number, graceMs: number): ChildProcess {
  const guard = spawn(
    '/bin/sh',
    ['-c', GUARD_SCRIPT, 'kconform-guard', String(pid), String(Math.ceil(graceMs / 1000))],
    {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  guard.on('error', () => undefined);
  guard.stdin?.on('error', () => undefined);
  // Neither the guard nor its pipe may keep this process's event loop alive.
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return guard;
}

/**
 * Spawns `command` as the leader of a new process group (see the module comment for how it is
 * kept from outliving this process). Spawn failures (ENOENT…) surface as an exit with code
 * null and signal null, after the child's `error` event.
 */
export function spawnProcessGroup(
  command: string,
  args: readonly string[],
  opts: SpawnGroupOptions = {},
): ProcessGroup {
  installHooks();
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: opts.stdio, detached: true });
  let status: ExitStatus | undefined;
  let guard: ChildProcess | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    const finish = (s: ExitStatus): void => {
      if (status) return;
      status = s;
      if (child.pid !== undefined) live.delete(child.pid);
      guard?.kill('SIGKILL');
      resolve(s);
    };
    child.on('exit', (code, signal) => finish({ code, signal }));
    child.on('error', () => {
      if (child.pid === undefined) finish({ code: null, signal: null });
    });
  });
  const pid = child.pid ?? -1;
  if (child.pid !== undefined) {
    live.add(child.pid);
    guard = startGuard(child.pid, opts.orphanGraceMs ?? 10_000);
  }
  const signal = (sig: NodeJS.Signals): void => {
    if (!status && pid > 0) killGroup(pid, sig);
  };
  return {
    child,
    pid,
    exited,
    get exitStatus() {
      return status;
    },
    signal,
    async stop(graceMs = 15_000) {
      if (status) return status;
      signal('SIGTERM');
      const timedOut = Symbol('timeout');
      const ac = new AbortController();
      const first = await Promise.race([exited, sleep(graceMs, timedOut, { signal: ac.signal }).catch(() => timedOut)]);
      ac.abort();
      if (first !== timedOut) return first as ExitStatus;
      signal('SIGKILL');
      return exited;
    },
  };
}

// Waits like the group guard, then gives the groups' own guards time to finish before removing.
const DIR_GUARD_SCRIPT = 'while read -r _; do :; done; sleep "$2"; rm -rf -- "$1"';

/**
 * Removes `dir` if this process goes away without calling the returned `cancel()` (killed,
 * or exited without stopping what it started), after `afterMs` so the processes writing
 * into it have been ended by their own guards.
 */
export function removeWhenOrphaned(dir: string, afterMs: number): { cancel(): void } {
  const guard = spawn(
    '/bin/sh',
    ['-c', DIR_GUARD_SCRIPT, 'kconform-dir-guard', dir, String(Math.ceil(afterMs / 1000))],
    {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  guard.on('error', () => undefined);
  guard.stdin?.on('error', () => undefined);
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return { cancel: () => void guard.kill('SIGKILL') };
}

/** Pids of group leaders started here that have not exited yet (for tests and diagnostics). */
export function liveProcessGroups(): number[] {
  return [...live];
}
