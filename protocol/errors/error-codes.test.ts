import { describe, expect, it } from 'vitest';
import { ERROR_INFO, ErrorCode, errorName } from './generated/error-codes.ts';

describe('generated error table', () => {
  it('has Kafka codes by name', () => {
    expect(ErrorCode.NONE).toBe(0);
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1);
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6);
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120);
  });

  it('names codes, unknown ones included', () => {
    expect(errorName(3)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(errorName(-1)).toBe('UNKNOWN_SERVER_ERROR');
    expect(errorName(32767)).toBe('UNKNOWN_ERROR_CODE(32767)');
  });

  it('carries messages and retriability from the exception classes', () => {
    expect(ERROR_INFO.get(6)?.retriable).toBe(true); // NotLeaderOrFollowerException via InvalidMetadataException
    expect(ERROR_INFO.get(74)?.retriable).toBe(true); // FencedLeaderEpochException
    expect(ERROR_INFO.get(29)?.retriable).toBe(false); // TopicAuthorizationFailedException
    expect(ERROR_INFO.get(27)?.retriable).toBe(false); // RebalanceInProgressException is an ApiException
    expect(ERROR_INFO.get(1)?.message).toMatch(/offset/);
    expect(ERROR_INFO.get(0)?.message).toBe('');
    for (const [code, info] of ERROR_INFO) expect(ErrorCode[info.name]).toBe(code);
  });
});
