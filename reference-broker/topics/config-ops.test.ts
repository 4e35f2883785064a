import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { applyIncrementalChanges, ConfigOp, replaceConfigs, sameConfigs } from './config-ops.ts';

const change = (name: string, op: number, value: string | null = null) => ({ name, op, value });

describe('IncrementalAlterConfigs changes (Kafka 4.4.0 answers)', () => {
  it('SET and DELETE replace and remove own values; deleting an absent key changes nothing', () => {
    const r = applyIncrementalChanges({ 'retention.ms': '1' }, [
      change('segment.bytes', ConfigOp.SET, '2000000'),
      change('retention.ms', ConfigOp.DELETE),
      change('flush.ms', ConfigOp.DELETE),
    ]);
    expect(r).toEqual({ ok: true, configs: { 'segment.bytes': '2000000' } });
  });

  it('APPEND starts from the default, adds each missing item once; SUBTRACT removes, down to the empty list', () => {
    const appended = applyIncrementalChanges({}, [change('cleanup.policy', ConfigOp.APPEND, 'compact')]);
    expect(appended).toEqual({ ok: true, configs: { 'cleanup.policy': 'delete,compact' } });
    expect(
      applyIncrementalChanges({ 'cleanup.policy': 'delete,compact' }, [
        change('cleanup.policy', ConfigOp.APPEND, 'compact'),
      ]),
    ).toEqual({ ok: true, configs: { 'cleanup.policy': 'delete,compact' } });
    expect(
      applyIncrementalChanges({ 'cleanup.policy': 'compact' }, [
        change('cleanup.policy', ConfigOp.SUBTRACT, 'compact'),
      ]),
    ).toEqual({ ok: true, configs: { 'cleanup.policy': '' } });
  });

  it('APPEND and SUBTRACT only on LIST configs; an unknown operation is an internal error without a message', () => {
    expect(applyIncrementalChanges({}, [change('retention.ms', ConfigOp.SUBTRACT, '5')])).toEqual({
      ok: false,
      errorCode: ErrorCode.INVALID_CONFIG,
      message: "Can't SUBTRACT to key retention.ms because its type is not LIST.",
    });
    expect(applyIncrementalChanges({}, [change('retention.ms', 7, '5')])).toEqual({
      ok: false,
      errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
      message: null,
    });
  });

  it('AlterConfigs replaces the whole set', () => {
    expect(replaceConfigs([{ name: 'retention.ms', value: '5' }])).toEqual({ 'retention.ms': '5' });
    expect(sameConfigs({ a: '1' }, { a: '1' })).toBe(true);
    expect(sameConfigs({ a: '1' }, { a: '1', b: '2' })).toBe(false);
  });
});
