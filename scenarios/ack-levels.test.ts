import { describe, expect, it } from 'vitest';
import { minIsrCap } from './ack-levels.ts';

describe('minIsrCap: which min.insync.replicas answer a target owes', () => {
  it('expects the release kconform knows: capped from Kafka 3.7 (KAFKA-15583), not before', () => {
    expect(minIsrCap({ kind: 'kafka', version: '2.7.0', zookeeper: true })).toBe('uncapped');
    expect(minIsrCap({ kind: 'kafka', version: '3.6.2', zookeeper: true })).toBe('uncapped');
    expect(minIsrCap({ kind: 'kafka', version: '3.7.0', zookeeper: false })).toBe('capped');
    expect(minIsrCap({ kind: 'kafka', version: '3.9.2', zookeeper: true })).toBe('capped');
    expect(minIsrCap({ kind: 'container', image: 'apache/kafka:3.6.1' })).toBe('uncapped');
    expect(minIsrCap({ kind: 'container', image: undefined })).toBe('capped');
  });
  it('holds the reference broker to Kafka 4.4.0 and lets an unknown broker be either generation', () => {
    expect(minIsrCap({ kind: 'reference' })).toBe('capped');
    expect(minIsrCap({ kind: 'external', host: 'h', port: 1 })).toBe('either');
  });
});
