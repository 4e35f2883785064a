/** Resident memory of a process tree, read from /proc (Linux), for benchmarks of broker processes. */
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` and all its descendants, in bytes; 0 once it is gone. */
export function rssOfTree(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      for (const c of children ? children.split(/\s+/).map(Number) : []) visit(c);
    } catch {
      // the process went away while we looked
    }
  };
  visit(pid);
  return total;
}

/** Samples the RSS of some process trees every `everyMs` until stopped; reports the peak and the mean of their sum. */
export function sampleRss(
  pids: readonly number[],
  everyMs = 250,
): { stop(): { peak: number; mean: number; samples: number } } {
  let peak = 0;
  let sum = 0;
  let samples = 0;
  const take = () => {
    const rss = pids.reduce((a, p) => a + rssOfTree(p), 0);
    peak = Math.max(peak, rss);
    sum += rss;
    samples++;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak, mean: samples ? sum / samples : 0, samples };
    },
  };
}
