/**
 * The wait strategies kinds compose (testcontainers' `Wait.for…`): each proves one thing about a
 * started target's bootstrap address, or throws {@link TargetUnavailableError} saying what it saw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { tryClusterMetadata } from '../kafka-dist/cluster-metadata.ts';
import { TargetUnavailableError, type WaitStrategy } from './target-kind.ts';

/** The first address of a bootstrap list (`h:p,h:p`): what one probe connects to. */
const firstAddress = (bootstrap: string) => bootstrap.split(',')[0]!.trim();

/** Builders of the wait strategies a {@link TargetKind} lists. */
export const Wait = {
  /**
   * One ApiVersions exchange, the one every negotiated request starts with: a broker that fails
   * it cannot be tested. Not retried: it is for targets that are either up already or not there.
   */
  forApiVersions(timeoutMs = 5_000): WaitStrategy {
    return {
      description: 'ApiVersions answered',
      async waitUntilReady(bootstrap) {
        const address = firstAddress(bootstrap);
        let client: RawClient | undefined;
        try {
          client = await RawClient.connect(address, 'kconform-probe', timeoutMs);
          await client.serverVersions(timeoutMs);
        } catch (err) {
          throw new TargetUnavailableError(`no Kafka broker answers at ${address}: ${(err as Error).message}`);
        } finally {
          client?.close();
        }
      },
    };
  },

  /** Polls until some address of the list answers Metadata listing at least `brokers` brokers. */
  forMetadata(brokers: number, timeoutMs = 60_000): WaitStrategy {
    const description = `Metadata listing ${brokers} broker(s)`;
    return {
      description,
      async waitUntilReady(bootstrap) {
        const addresses = bootstrap.split(',').map((a) => a.trim());
        const deadline = Date.now() + timeoutMs;
        let seen = 'no node answered Metadata';
        for (;;) {
          for (const address of addresses) {
            const view = await tryClusterMetadata(address, { timeoutMs: 3_000 });
            if (view && view.brokers.length >= brokers) return;
            if (view) seen = `${address} lists ${view.brokers.length}`;
          }
          if (Date.now() >= deadline)
            throw new TargetUnavailableError(
              `${bootstrap} was not ready in ${timeoutMs} ms (waiting for ${description}; ${seen})`,
            );
          await sleep(250);
        }
      },
    };
  },
} as const;
