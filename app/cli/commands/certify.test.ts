import { describe, expect, it } from 'vitest';
import { parseTargetSpec } from '../../../harness/targets/target-spec.ts';
import { CliError } from '../exit-codes.ts';
import { defaultFaults, parseParts } from './certify.ts';

describe('certify options', () => {
  it('parses --parts into card parts and refuses unknown ones (exit 2)', () => {
    expect([...parseParts('scenarios, admin')]).toEqual(['scenario', 'admin']);
    expect(() => parseParts('scenarios,nope')).toThrow(CliError);
    expect(() => parseParts('')).toThrow(/unknown part/);
  });
  it('defaults the faults by what the target can do', () => {
    expect(defaultFaults(parseTargetSpec('reference'), false)).toEqual(['kill', 'pause']);
    expect(defaultFaults(parseTargetSpec('kafka@4.4.0'), false)).toEqual(['pause']);
    expect(defaultFaults(parseTargetSpec('external@127.0.0.1:9092'), false)).toEqual(['delay']);
    expect(defaultFaults(parseTargetSpec('external@127.0.0.1:9092'), true)).toEqual(['pause']);
  });
});
