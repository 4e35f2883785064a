import type { Kafka } from 'kafkajs';

type Disconnectable = { disconnect(): Promise<void> };

/**
 * Remembers every producer, consumer and admin made from the Kafka clients it wraps, so that a
 * run stopped from outside (an aborted shrink try) can disconnect them all: a kafkajs consumer
 * left running retries for ever, and a scenario that is no longer awaited would never do it.
 */
export class ClientTracker {
  private readonly made = new Set<Disconnectable>();

  /** `kafka`, whose producer(), consumer() and admin() are remembered. */
  wrap(kafka: Kafka): Kafka {
    const made = this.made;
    return new Proxy(kafka, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if ((prop === 'producer' || prop === 'consumer' || prop === 'admin') && typeof value === 'function') {
          return (...args: unknown[]) => {
            const client = (value as (...a: unknown[]) => Disconnectable).apply(target, args);
            made.add(client);
            return client;
          };
        }
        return value;
      },
    });
  }

  /** Disconnects every client made so far (each at most `timeoutMs`; failures are ignored: the target stops next). */
  async disconnectAll(timeoutMs = 5000): Promise<void> {
    const clients = [...this.made];
    this.made.clear();
    await Promise.all(
      clients.map((c) => {
        let timer: NodeJS.Timeout | undefined;
        const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        return Promise.race([c.disconnect().catch(() => {}), bounded]).finally(() => clearTimeout(timer));
      }),
    );
  }

  /** Clients made so far and not disconnected through {@link disconnectAll} (tests). */
  get size(): number {
    return this.made.size;
  }
}
