import { startBroker } from '../../../reference-broker/server.ts';
import { createLogger } from '../../../reference-broker/logger.ts';
import { usageError, targetError } from '../exit-codes.ts';
import { registerCleanup } from '../../cleanup/cleanup-registry.ts';

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

/** `kconform broker`: serves until SIGINT/SIGTERM, then closes cleanly (logs flushed). */
export async function brokerCommand(opts: BrokerOptions): Promise<void> {
  if (opts.brokers !== 1) throw usageError('--brokers > 1 (the replicated reference cluster) is not implemented yet (owned by the replication issue #6)');
  if (opts.bug) throw usageError(`--bug is not implemented yet (owned by the scenarios issue #5); unknown bug '${opts.bug}'`);
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
