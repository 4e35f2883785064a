import { startBroker } from '../../../reference-broker/server.ts';
import { createLogger } from '../../../reference-broker/logger.ts';
import { usageError, targetError } from '../exit-codes.ts';
import { registerCleanup } from '../../cleanup/cleanup-registry.ts';
import { BUG_NAMES } from '../../../reference-broker/bugs/known-bugs.ts';

/** Options of `kconform broker` as commander parsed them. */
export interface BrokerOptions {
  host: string;
  port: number;
  brokers: number;
  dataDir?: string;
  numPartitions: number;
  autoCreateTopics: boolean;
  logFlushMessages?: number;
  bug?: string;
}

/** Parses `--bug a,b` against the known bugs; an unknown name is bad usage. */
export function parseBugs(value: string | undefined): Set<string> {
  const names = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !BUG_NAMES.includes(n));
  if (unknown.length) throw usageError(`unknown bug(s) ${unknown.join(', ')}; known bugs: ${BUG_NAMES.join(', ')}`);
  return new Set(names);
}

/** `kconform broker`: serves until SIGINT/SIGTERM, then closes cleanly (logs flushed). */
export async function brokerCommand(opts: BrokerOptions): Promise<void> {
  if (opts.brokers !== 1) throw usageError('--brokers > 1 (the replicated reference cluster) is not implemented yet (owned by the replication issue #6)');
  const bugs = parseBugs(opts.bug);
  const log = createLogger('broker');
  let running;
  try {
    running = await startBroker(
      {
        host: opts.host,
        port: opts.port,
        dataDir: opts.dataDir,
        numPartitions: opts.numPartitions,
        autoCreateTopics: opts.autoCreateTopics,
        flushMessages: opts.logFlushMessages ?? Infinity,
        bugs,
      },
      log,
    );
  } catch (err) {
    throw targetError(`cannot start the reference broker: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stdout.write(`kconform broker ready on ${running.bootstrap}\n`);
  // Serves until SIGINT/SIGTERM; the cleanup registry then closes it (logs flushed) and exits.
  registerCleanup('close the reference broker', () => running.close());
  await new Promise<never>(() => {});
}
