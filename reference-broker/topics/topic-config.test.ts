import { describe, expect, it } from 'vitest';
import { logOverrides, maxMessageBytes, topicConfigProblem } from './topic-config.ts';

describe('topic configs', () => {
  it('accepts Kafka topic configs and refuses unknown names and bad numbers', () => {
    expect(topicConfigProblem('retention.ms', '1000')).toBeNull();
    expect(topicConfigProblem('cleanup.policy', 'compact')).toBeNull();
    expect(topicConfigProblem('no.such.config', '1')).toMatch(/Unknown topic config/);
    expect(topicConfigProblem('segment.bytes', 'lots')).toMatch(/Not a number/);
    expect(topicConfigProblem('retention.bytes', '-5')).toMatch(/at least -1/);
  });
  it('maps the applied ones to log settings', () => {
    const configs = new Map([['retention.ms', '60000'], ['segment.bytes', '1048576'], ['max.message.bytes', '2048'], ['cleanup.policy', 'delete']]);
    expect(logOverrides(configs)).toEqual({ retentionMs: 60000, segmentBytes: 1048576 });
    expect(maxMessageBytes(configs, 1)).toBe(2048);
    expect(maxMessageBytes(new Map(), 7)).toBe(7);
  });
});
