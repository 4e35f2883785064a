import { describe, expect, it } from 'vitest';
import { javaStringHash } from '../topics/internal-topic-coordinator.ts';
import { offsetsPartitionFor } from './offsets-topic.ts';

describe('__consumer_offsets partition of a group', () => {
  it("uses Java's String.hashCode, as Kafka's GroupCoordinator.partitionFor does", () => {
    // values of "…".hashCode() in Java
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('console-consumer-12345')).toBe(158455506);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648);
  });

  it('maps a negative hash with Utils.abs (mask the sign bit), not Math.abs', () => {
    // Integer.MIN_VALUE: Kafka's Utils.abs gives 0, where Math.abs would stay negative
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
    expect(offsetsPartitionFor('hello', 50)).toBe(99162322 % 50);
  });
});
