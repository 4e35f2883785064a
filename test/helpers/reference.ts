import { silentLogger } from '../../reference-broker/logger.ts';
import { startBroker, type RunningBroker } from '../../reference-broker/server.ts';
import type { BrokerConfig } from '../../reference-broker/config.ts';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { logLevel, type Kafka } from 'kafkajs';

/** Starts an in-memory reference broker on a free loopback port, logging nothing. */
export function startTestBroker(overrides: Partial<BrokerConfig> = {}): Promise<RunningBroker> {
  return startBroker({ port: 0, ...overrides }, silentLogger);
}

/** A kafkajs client for tests against `bootstrap`. */
export function testKafka(bootstrap: string, clientId = 'kconform-test'): Kafka {
  // Tests provoke retriable errors on purpose (auto-creation, rebalances); kafkajs logs them as errors.
  return kafkajsClient([bootstrap], clientId, { logLevel: logLevel.NOTHING });
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix = 't'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
