import { describe, expect, it } from 'vitest';
import { codecVersions, pickVersion, servedVersions, UnsupportedApiError } from './api-version-negotiation.ts';

// What Kafka 2.7.0 answers ApiVersions with, for the APIs used here (recorded from a running 2.7.0).
const KAFKA_2_7 = servedVersions([
  { apiKey: 0, minVersion: 0, maxVersion: 8 },
  { apiKey: 1, minVersion: 0, maxVersion: 12 },
  { apiKey: 2, minVersion: 0, maxVersion: 5 },
  { apiKey: 10, minVersion: 0, maxVersion: 3 },
  { apiKey: 18, minVersion: 0, maxVersion: 3 },
]);

describe('pickVersion', () => {
  it('takes the highest version the broker, the codec and the caller all allow', () => {
    expect(pickVersion(2, KAFKA_2_7, { min: 1, max: 9 })).toBe(5); // the broker's top
    expect(pickVersion(1, KAFKA_2_7, { min: 5, max: 12 })).toBe(12); // the caller's top
    expect(pickVersion(10, KAFKA_2_7)).toBe(3); // no caller range: the codec's (0-6)
    expect(pickVersion(18, KAFKA_2_7)).toBe(3);
    const modern = servedVersions([{ apiKey: 2, minVersion: 1, maxVersion: 11 }]);
    expect(pickVersion(2, modern, { max: 9 })).toBe(9);
    expect(pickVersion(2, modern)).toBe(codecVersions(2).max);
  });

  it('names the API and both ranges when they do not meet', () => {
    const narrow = servedVersions([{ apiKey: 1, minVersion: 0, maxVersion: 3 }]);
    let err: unknown;
    try {
      pickVersion(1, narrow, { min: 5, max: 12 }, 'the broker at h:1');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedApiError);
    expect((err as Error).message).toBe(
      'the broker at h:1 serves Fetch (API key 1) v0-3, kconform can send v5-12: no version in common',
    );
    expect(err).toMatchObject({ apiKey: 1, served: { min: 0, max: 3 }, sendable: { min: 5, max: 12 } });
  });

  it('says when the broker does not serve the API at all', () => {
    expect(() => pickVersion(21, KAFKA_2_7, { max: 2 }, 'the broker at h:1')).toThrow(
      'the broker at h:1 does not serve DeleteRecords (API key 21) at all (its ApiVersions does not list it); kconform can send v0-2',
    );
  });

  it('refuses a caller range outside the codec as a programming error, not a broker problem', () => {
    expect(() => pickVersion(0, KAFKA_2_7, { max: 2 })).toThrow(RangeError); // the codec writes Produce v3+
    expect(() => pickVersion(999, KAFKA_2_7)).toThrow(RangeError);
  });
});
