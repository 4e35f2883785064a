import { describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION } from '../kafka-dist/kafka-version.ts';
import { parseTargetSpec } from './target-spec.ts';

describe('parseTargetSpec', () => {
  it('parses every kind', () => {
    expect(parseTargetSpec('reference')).toEqual({ kind: 'reference' });
    expect(parseTargetSpec('kafka@4.3.1')).toEqual({ kind: 'kafka', version: '4.3.1', zookeeper: false });
    expect(parseTargetSpec('kafka@3.9.2,zk')).toEqual({ kind: 'kafka', version: '3.9.2', zookeeper: true });
    expect(parseTargetSpec('container@apache/kafka:4.3.1')).toEqual({ kind: 'container', image: 'apache/kafka:4.3.1' });
    expect(parseTargetSpec('container')).toEqual({ kind: 'container', image: undefined });
    expect(parseTargetSpec('external@localhost:9092')).toEqual({ kind: 'external', host: 'localhost', port: 9092 });
  });
  it('reads a bare kafka as the newest supported release', () => {
    expect(parseTargetSpec('kafka')).toEqual({ kind: 'kafka', version: LATEST_KAFKA_VERSION, zookeeper: false });
  });
  it('rejects bad specs with a reason', () => {
    for (const s of [
      'kafka@',
      'kafka@,zk',
      'kafka@4',
      'kafka@4.3.1,kraft',
      'external@host',
      'external@h:99999',
      'nope',
      'container@',
    ]) {
      expect(() => parseTargetSpec(s)).toThrow(/target/);
    }
  });
  it('rejects a Kafka release line it cannot run as a bad spec, before anything starts', () => {
    expect(() => parseTargetSpec('kafka@9.9.9')).toThrow(
      "bad target 'kafka@9.9.9': Apache Kafka 9.9.9 is not supported (supported release lines: 2.x, 3.x, 4.x)",
    );
    expect(() => parseTargetSpec('kafka@1.1.1,zk')).toThrow(/not supported/);
  });
});
