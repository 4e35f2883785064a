/**
 * Making sure no lab outlives its process, in layers:
 * - `destroy()` (the normal path), which the run's cleanup registry (harness/cleanup) also
 *   calls on SIGINT / SIGTERM;
 * - an `exit` hook that deletes what is left synchronously (a normal exit, `process.exit()`,
 *   an uncaught error);
 * - a guard process per lab that deletes it once the pipe from this process closes, which
 *   covers death by any signal, SIGKILL included. No signal handler of its own is installed
 *   here (two handlers that each re-raise a signal would keep each other from doing so).
 * And for what even a guard cannot cover (the guard itself killed, a machine crash):
 * {@link cleanupStale} removes labs whose owner pid is gone; `startNetworkLab` runs it first.
 *
 * Deleting a lab's namespaces is enough to remove everything else: each veth pair has one end
 * in the lab's hub namespace (a pair dies with either end), and every firewall rule lives in a
 * node namespace. The host's veth end is deleted explicitly first only because namespace
 * teardown in the kernel is asynchronous and the link would otherwise linger for a moment.
 */
import { spawn, spawnSync } from 'node:child_process';
import { linkOwner, namespaceOwner } from './names.ts';
import { runTool } from './run-tool.ts';
import { pidAlive } from '../../reference-broker/state/pid-alive.ts';

/** What to delete for one lab. */
export interface LabTeardown {
  /** Path of `ip`. */
  readonly ip: string;
  readonly hostLink: string;
  /** Hub namespace first: deleting it cuts every veth pair at once. */
  readonly namespaces: readonly string[];
}

/** `ip -batch` input that deletes a lab; run with `-force` so one missing piece does not stop the rest. */
export function teardownBatch(t: Pick<LabTeardown, 'hostLink' | 'namespaces'>): string {
  return [`link del ${t.hostLink}`, ...t.namespaces.map((ns) => `netns del ${ns}`), ''].join('\n');
}

/** Deletes a lab; errors (already gone) are ignored. */
export async function teardownLab(t: LabTeardown): Promise<void> {
  await runTool(t.ip, ['-force', '-batch', '-'], { input: teardownBatch(t) }).catch(() => undefined);
}

const pendingAtExit = new Map<string, LabTeardown>();
let exitHookInstalled = false;

/**
 * Deletes `t` when this process exits without {@link forgetAtExit} having been called.
 * Synchronous, as `exit` handlers must be.
 */
export function teardownAtExit(key: string, t: LabTeardown): void {
  pendingAtExit.set(key, t);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of pendingAtExit.values()) {
      spawnSync(lab.ip, ['-force', '-batch', '-'], {
        input: teardownBatch(lab),
        stdio: ['pipe', 'ignore', 'ignore'],
        timeout: 10_000,
      });
    }
    pendingAtExit.clear();
  });
}

/** Cancels {@link teardownAtExit} for `key` (the lab was destroyed). */
export function forgetAtExit(key: string): void {
  pendingAtExit.delete(key);
}

// Reads stdin until EOF (this process is gone, or let go of the pipe), then deletes the lab.
const GUARD_SCRIPT =
  'while read -r _; do :; done; ip="$1"; shift; "$ip" link del "$1" 2>/dev/null; shift; for ns in "$@"; do "$ip" netns del "$ns" 2>/dev/null; done';

/** Starts the guard process of a lab; `cancel()` once the lab is destroyed. */
export function guardLab(t: LabTeardown): { cancel(): void } {
  const guard = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'kconform-netns-guard', t.ip, t.hostLink, ...t.namespaces], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guard.on('error', () => undefined);
  guard.stdin?.on('error', () => undefined);
  // Neither the guard nor its pipe may keep this process's event loop alive.
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return { cancel: () => void guard.kill('SIGKILL') };
}

/** What {@link cleanupStale} removed. */
export interface StaleCleanup {
  readonly namespaces: readonly string[];
  readonly links: readonly string[];
}

/** Namespace names from `ip netns list` output (`name` or `name (id: N)` per line). */
export function parseNetnsList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.length > 0);
}

/**
 * Removes the namespaces and root-namespace links of labs whose owner process is gone.
 * Owners are judged by pid in this pid namespace; `ip netns` names live in this mount
 * namespace's /run/netns, so labs of a run in another container are not seen here.
 *
 * @param ip path of `ip`
 * @param alive decides whether an owner pid still runs (tests replace it)
 */
export async function cleanupStale(ip = 'ip', alive: (pid: number) => boolean = pidAlive): Promise<StaleCleanup> {
  const stale = (owner: number | undefined): boolean => owner !== undefined && owner !== process.pid && !alive(owner);
  const namespaces = parseNetnsList(await runTool(ip, ['netns', 'list'])).filter((ns) => stale(namespaceOwner(ns)));
  const links = (JSON.parse((await runTool(ip, ['-j', 'link', 'show'])) || '[]') as { ifname?: string }[])
    .map((l) => l.ifname ?? '')
    .filter((name) => stale(linkOwner(name)));
  // Hubs first, so the veth pairs go before the node namespaces.
  namespaces.sort((a, b) => Number(b.endsWith('-hub')) - Number(a.endsWith('-hub')));
  if (namespaces.length + links.length > 0) {
    const batch = [...links.map((l) => `link del ${l}`), ...namespaces.map((ns) => `netns del ${ns}`), ''].join('\n');
    await runTool(ip, ['-force', '-batch', '-'], { input: batch }).catch(() => undefined);
  }
  return { namespaces, links };
}
