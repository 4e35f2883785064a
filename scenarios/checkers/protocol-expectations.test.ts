import { describe, expect, it } from 'vitest';
import { checkProtocolExpectations } from './protocol-expectations.ts';
import { Builder } from './test-support.ts';

describe('protocol-expectations', () => {
  it('is valid when no op states an expectation', () => {
    expect(checkProtocolExpectations(new Builder().op(0, 'produce', {}, 'fail', { errorCode: 45 }).ops)).toMatchObject({
      valid: true,
      count: 0,
    });
  });

  it('passes ops that got an expected code: ok without a code means NONE', () => {
    const b = new Builder()
      .op(0, 'produce', { expect: { errorCode: 45 } }, 'fail', { errorCode: 45 })
      .op(0, 'produce', { expect: { errorCode: [0, 19] } }, 'ok', {})
      .op(0, 'produce', { expect: { errorCode: 0 } }, 'ok', { errorCode: 0 });
    expect(checkProtocolExpectations(b.ops)).toMatchObject({
      valid: true,
      count: 0,
      summary: '3 of 3 op(s) got an error code they expected',
    });
  });

  it('flags an unexpected code, naming both', () => {
    const r = checkProtocolExpectations(
      new Builder().op(0, 'produce', { expect: { errorCode: 45 } }, 'ok', { errorCode: 0 }).ops,
    );
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ expected: 'OUT_OF_ORDER_SEQUENCE_NUMBER (45)', got: 'NONE (0)' });
  });

  it('pairs each completion with its own invocation when several are in flight', () => {
    const b = new Builder();
    const first = b.h.invoke(0, 'produce', { expect: { errorCode: 0 } });
    const second = b.h.invoke(0, 'produce', { expect: { errorCode: 45 } });
    first.ok({ errorCode: 0 });
    second.fail('OUT_OF_ORDER_SEQUENCE_NUMBER', { errorCode: 45 });
    expect(checkProtocolExpectations(b.ops).valid).toBe(true);
  });

  it('cannot decide info completions, fails without a code, or ops never completed', () => {
    const b = new Builder()
      .op(0, 'produce', { expect: { errorCode: 45 } }, 'info', { errorCode: 0 })
      .op(0, 'produce', { expect: { errorCode: 45 } }, 'fail', {});
    b.h.invoke(1, 'produce', { expect: { errorCode: 45 } });
    expect(checkProtocolExpectations(b.ops)).toMatchObject({ valid: 'unknown' });
    b.op(2, 'produce', { expect: { errorCode: 45 } }, 'fail', { errorCode: 45 });
    expect(checkProtocolExpectations(b.ops)).toMatchObject({
      valid: true,
      summary: expect.stringContaining('3 undecided'),
    });
  });
});
