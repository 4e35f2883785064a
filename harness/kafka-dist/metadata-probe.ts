/**
 * The "Metadata answers" half of a broker's readiness check: a real client asks the cluster
 * who its brokers are.
 */
import { Kafka, logLevel } from 'kafkajs';

/**
 * Asks `bootstrap` for cluster metadata once and returns the number of brokers it lists; 0
 * when the request fails or times out (the broker is not ready yet).
 */
export async function brokerCount(bootstrap: string, timeoutMs = 5_000): Promise<number> {
  const kafka = new Kafka({
    clientId: 'kconform-ready-probe',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
