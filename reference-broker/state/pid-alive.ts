/**
 * True when `pid` is a running process of this pid namespace: signal 0 checks without signalling,
 * and EPERM means the pid exists but belongs to another user, so it is alive. Lock files (the data
 * directory's `.lock`, the Kafka download lock) and the cleanup of what a dead kconform left
 * behind ask it; it lives with the broker's lock, the lowest layer that needs it.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
