/** Whether a pid is a running process; a zombie (killed, not yet reaped) counts as gone. */
import { readFileSync } from 'node:fs';

export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
