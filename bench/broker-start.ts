/**
 * In-process start of a one-node reference broker, in memory (what `startBroker()` costs a test
 * that starts its own broker): time from the call until it serves, and until it has closed again,
 * median and range over `--rounds` starts after `--warmup` ones (the first start also loads and
 * compiles the codecs, which the warm-up pays).
 *
 *   node bench/broker-start.ts [--rounds 30] [--warmup 3]
 */
import { parseArgs } from 'node:util';
import { startBroker } from '../reference-broker/server.ts';
import { createLogger } from '../reference-broker/logger.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '30' }, warmup: { type: 'string', default: '3' } },
});
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const quiet = createLogger('broker', 'error');

const starts: number[] = [];
let first = 0;
const stops: number[] = [];
for (let i = 0; i < warmup + rounds; i++) {
  const t0 = performance.now();
  const b = await startBroker({ port: 0 }, quiet);
  const t1 = performance.now();
  await b.close();
  const t2 = performance.now();
  if (i === 0) first = t1 - t0;
  if (i >= warmup) {
    starts.push(t1 - t0);
    stops.push(t2 - t1);
  }
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${at(0.5).toFixed(1)} ms (min ${at(0).toFixed(1)}, max ${at(1).toFixed(1)})`;
};
console.log(`first start in this process (codecs loaded and compiled): ${first.toFixed(1)} ms`);
console.log(`in-memory one-node start, ${rounds} rounds after ${warmup} warm-up: ${summary(starts)}`);
console.log(`close: ${summary(stops)}`);
