import { describe, expect, it } from 'vitest';
import { normalizeError, normalizeRecord, recordLabel, withoutRunId } from './normalize.ts';

describe('normalize', () => {
  it('replaces the run id everywhere, but not a run id too short to be safe', () => {
    expect(withoutRunId('{"run":"0-reference"}', '0-reference')).toBe('{"run":"<run>"}');
    expect(withoutRunId('seq 12', '1')).toBe('seq 12');
  });

  it('names a topic by its scenario name: the run-scoped suffix an external target gets is dropped', () => {
    const runId = '1-external-127.0.0.1-19301';
    expect(withoutRunId('mmr-1-external-127.0.0.1-19301', runId)).toBe('mmr');
    expect(normalizeRecord({ topic: `mmr-${runId}`, partition: 0, offset: 3 }, runId).topic).toBe(
      normalizeRecord({ topic: 'mmr', partition: 0, offset: 3 }, '0-reference').topic,
    );
    expect(normalizeError(`UNKNOWN_TOPIC_OR_PARTITION on mmr-${runId}[0]`, runId)).toBe(
      normalizeError('UNKNOWN_TOPIC_OR_PARTITION on mmr[0]', '0-reference'),
    );
  });

  it('takes addresses and durations out of error messages', () => {
    expect(normalizeError('Connection error: connect ECONNREFUSED 127.0.0.1:43041', 'x-run')).toBe(
      'Connection error: connect ECONNREFUSED <addr>',
    );
    expect(normalizeError('broker [::1]:9092 timed out after 1500ms', 'x-run')).toBe(
      'broker <addr> timed out after <n> ms',
    );
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
    const r = normalizeRecord(
      { topic: 'mmr-run-9', partition: 0, offset: 4, key: 'k', value: '{"run":"run-9","seq":4}' },
      'run-9',
    );
    expect(r).toEqual({
      id: JSON.stringify(['k', '{"run":"<run>","seq":4}']),
      label: 'seq 4',
      topic: 'mmr',
      partition: 0,
      offset: 4,
    });
    expect(normalizeRecord(undefined, 'run-9')).toMatchObject({ topic: '?', partition: -1, offset: -1 });
  });
});
