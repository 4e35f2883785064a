import { describe, expect, it } from 'vitest';
import { DEFAULT_LOG_CONFIG, resolveLogConfig } from './log-config.ts';

describe('resolveLogConfig', () => {
  it("fills in Kafka's defaults, treating undefined as unset", () => {
    const c = resolveLogConfig({ segmentBytes: 1000, retentionMs: undefined });
    expect(c).toMatchObject({
      segmentBytes: 1000,
      retentionBytes: -1,
      retentionMs: 604_800_000,
      indexIntervalBytes: 4096,
      flushMessages: Infinity,
      flushMs: Infinity,
    });
    expect(c.verifyBatch).toBe(DEFAULT_LOG_CONFIG.verifyBatch);
  });

  it('rejects settings the log cannot honour', () => {
    for (const bad of [
      { segmentBytes: 0 },
      { segmentBytes: 2 ** 31 },
      { retentionBytes: -2 },
      { retentionMs: -5 },
      { indexIntervalBytes: -1 },
      { flushMessages: 0 },
      { flushMs: -1 },
    ]) {
      expect(() => resolveLogConfig(bad)).toThrow(RangeError);
    }
  });
});
