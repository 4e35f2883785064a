import { describe, expect, it } from 'vitest';
import { atLeast, parseKafkaVersion, supportsKRaft, supportsZooKeeper } from './kafka-version.ts';

describe('parseKafkaVersion', () => {
  it('parses a release version', () => {
    expect(parseKafkaVersion('4.4.0')).toEqual({ text: '4.4.0', major: 4, minor: 4, patch: 0 });
  });

  it.each(['4.4', 'latest', '4.4.0-rc1', ' 4.4.0', '1.1.1', '5.0.0'])('rejects %j', (text) => {
    expect(() => parseKafkaVersion(text)).toThrow(RangeError);
  });

  it('orders versions by major then minor', () => {
    expect(atLeast(parseKafkaVersion('3.7.0'), 3, 7)).toBe(true);
    expect(atLeast(parseKafkaVersion('3.6.2'), 3, 7)).toBe(false);
    expect(atLeast(parseKafkaVersion('4.0.0'), 3, 7)).toBe(true);
  });

  it('knows which metadata modes a release line has', () => {
    expect([supportsKRaft(parseKafkaVersion('2.7.0')), supportsZooKeeper(parseKafkaVersion('2.7.0'))]).toEqual([
      false,
      true,
    ]);
    expect([supportsKRaft(parseKafkaVersion('3.9.2')), supportsZooKeeper(parseKafkaVersion('3.9.2'))]).toEqual([
      true,
      true,
    ]);
    expect([supportsKRaft(parseKafkaVersion('4.4.0')), supportsZooKeeper(parseKafkaVersion('4.4.0'))]).toEqual([
      true,
      false,
    ]);
  });
});
