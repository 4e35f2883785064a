import { describe, expect, it } from 'vitest';
import { normalizeError, normalizeRecord, recordLabel, withoutRunId } from './normalize.ts';

describe('normalize', () => {
  it('replaces the run id everywhere, but not a run id too short to be safe', () => {
    expect(withoutRunId('mmr-0-reference {"run":"0-reference"}', '0-reference')).toBe('mmr-<run> {"run":"<run>"}');
    expect(withoutRunId('seq 12', '1')).toBe('seq 12');
  });

  it('takes addresses and durations out of error messages', () => {
    expect(normalizeError('Connection error: connect ECONNREFUSED 127.0.0.1:43041', 'x-run')).toBe('Connection error: connect ECONNREFUSED <addr>');
    expect(normalizeError('broker [::1]:9092 timed out after 1500ms', 'x-run')).toBe('broker <addr> timed out after <n> ms');
    expect(normalizeError('localhost:9092 gone; 30 seconds', 'x-run')).toBe('<addr> gone; <n> seconds');
    expect(normalizeError('NOT_LEADER_OR_FOLLOWER (6)', 'x-run')).toBe('NOT_LEADER_OR_FOLLOWER (6)');
  });

  it('labels records by seq, else by the start of the value', () => {
    expect(recordLabel('{"run":"x","seq":7}')).toBe('seq 7');
    expect(recordLabel('{"run":"x","producer":"producer-1","seq":7}')).toBe('producer-1 seq 7');
    expect(recordLabel('{"datas":[{"channel":"","metric":"temperature"}]}')).toBe('"{\\"datas\\":[{\\"channel\\":..."');
    expect(recordLabel('{not json')).toBe('"{not json"');
    expect(recordLabel(null)).toBe('null');
  });

  it('normalizes a history record, tolerating missing fields', () => {
    const r = normalizeRecord({ topic: 'mmr-run-9', partition: 0, offset: 4, key: 'k', value: '{"run":"run-9","seq":4}' }, 'run-9');
    expect(r).toEqual({ id: JSON.stringify(['k', '{"run":"<run>","seq":4}']), label: 'seq 4', topic: 'mmr-<run>', partition: 0, offset: 4 });
    expect(normalizeRecord(undefined, 'run-9')).toMatchObject({ topic: '?', partition: -1, offset: -1 });
  });
});
