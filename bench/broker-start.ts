/**
 * In-process start of a one-node reference broker, in memory (what `startBroker()` costs a test
 * that starts its own broker): time from the call until it serves, and until it has closed again,
 * median and range over `--rounds` starts after `--warmup` ones. The first start in the process
 * also compiles the broker's modules, and its first Metadata round trip loads the codecs it
 * needs (the broker loads an API's codecs on its first request), which the warm-up pays.
 *
 *   node bench/broker-start.ts [--rounds 30] [--warmup 3] [--via server|library|built]
 *
 * `--via` picks the entry point: the broker's own `startBroker` (reference-broker/server.ts, the
 * default), the library's (app/library, what a Node test calls: option checks, one
 * __consumer_offsets partition, a warn-level logger), or the library as packed (dist/, after
 * `npm run build:lib`: JavaScript, no type stripping).
 */
import { parseArgs } from 'node:util';
import { startBroker } from '../reference-broker/server.ts';
import { createLogger } from '../reference-broker/logger.ts';
import { RawClient } from '../protocol/client/raw-client.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    via: { type: 'string', default: 'server' },
  },
});
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const quiet = createLogger('broker', 'error');

type Start = () => Promise<{ bootstrap: string; close(): Promise<void> }>;
async function entryPoint(via: string | undefined): Promise<Start> {
  if (via === 'server') return () => startBroker({ port: 0 }, quiet);
  if (via === 'library') {
    const lib = await import('../app/library/index.ts');
    return () => lib.startBroker({ logLevel: 'error' });
  }
  if (via === 'built') {
    // A path in a variable: the typecheck must not require dist/ to exist.
    const built = '../dist/app/library/index.js';
    const lib = (await import(built)) as typeof import('../app/library/index.ts');
    return () => lib.startBroker({ logLevel: 'error' });
  }
  throw new Error(`--via must be server, library or built, got ${via}`);
}
const start = await entryPoint(values.via);

const starts: number[] = [];
let first = 0;
let firstRoundTrip = 0;
const stops: number[] = [];
for (let i = 0; i < warmup + rounds; i++) {
  const t0 = performance.now();
  const b = await start();
  const t1 = performance.now();
  // Only the first round: later ones find the codecs loaded.
  if (i === 0) {
    first = t1 - t0;
    const client = await RawClient.connect(b.bootstrap);
    await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'bench', clientSoftwareVersion: '1' });
    await client.request(ApiKey.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    firstRoundTrip = performance.now() - t1;
    client.close();
  }
  const t2 = performance.now();
  await b.close();
  const t3 = performance.now();
  if (i >= warmup) {
    starts.push(t1 - t0);
    stops.push(t3 - t2);
  }
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `median ${at(0.5).toFixed(1)} ms (min ${at(0).toFixed(1)}, max ${at(1).toFixed(1)})`;
};
console.log(`entry point: ${values.via}`);
console.log(`first start in this process (modules compiled): ${first.toFixed(1)} ms`);
console.log(`then its first ApiVersions + Metadata round trip (codecs loaded): ${firstRoundTrip.toFixed(1)} ms`);
console.log(`in-memory one-node start, ${rounds} rounds after ${warmup} warm-up: ${summary(starts)}`);
console.log(`close: ${summary(stops)}`);
