import { describe, expect, it } from 'vitest';
import { camelCase, kebabCase, parseMessageSpec } from './spec-model.ts';

const SPEC = `// a comment with "quotes" // and more
{
  "apiKey": 99, "type": "response", "name": "ExampleResponse",
  "validVersions": "0-3", "flexibleVersions": "2+",
  "fields": [
    { "name": "ThrottleTimeMs", "type": "int32", "versions": "0+", "about": "see http://x//y" },
    { "name": "Items", "type": "[]Item", "versions": "1+", "nullableVersions": "3+", "fields": [
      { "name": "Id", "type": "uuid", "versions": "1+" },
      { "name": "Leader", "type": "LeaderIdAndEpoch", "versions": "2+", "taggedVersions": "2+", "tag": 0 }
    ]},
    { "name": "Old", "type": "string", "versions": "0" }
  ],
  "commonStructs": [
    { "name": "LeaderIdAndEpoch", "versions": "0+", "fields": [
      { "name": "LeaderId", "type": "int32", "versions": "0+", "default": "-1" }
    ]},
    { "name": "Unused", "versions": "0+", "fields": [] }
  ]
}`;

describe('spec model', () => {
  it('names things as Kafka and the codec do', () => {
    expect(camelCase('TopicData')).toBe('topicData');
    expect(camelCase('KRaftVersion')).toBe('kRaftVersion');
    expect(kebabCase('ProduceRequest')).toBe('produce-request');
    expect(kebabCase('OffsetForLeaderEpochRequest')).toBe('offset-for-leader-epoch-request');
  });

  it('resolves inline and common structs with their paths and possible versions', () => {
    const m = parseMessageSpec(SPEC)!;
    expect(m.name).toBe('ExampleResponse');
    expect(m.structs.map((s) => [s.tsName, s.path, s.possible])).toEqual([
      ['ExampleResponse', 'ExampleResponse', { lo: 0, hi: 3 }],
      ['ExampleResponseItem', 'ExampleResponse.Items', { lo: 1, hi: 3 }],
      ['ExampleResponseLeaderIdAndEpoch', 'ExampleResponse.LeaderIdAndEpoch', { lo: 2, hi: 3 }],
      ['ExampleResponseUnused', 'ExampleResponse.Unused', { lo: 0, hi: 3 }],
    ]);
    const leader = m.structs[1]!.fields[1]!;
    expect(leader).toMatchObject({ prop: 'leader', tag: 0, taggedVersions: { lo: 2, hi: 0x7fff } });
    expect(m.root.fields[0]!.about).toBe('see http://x//y');
  });

  it('skips data specs and APIs with no versions left', () => {
    expect(
      parseMessageSpec(
        '{ "type": "data", "name": "X", "validVersions": "0", "flexibleVersions": "none", "fields": [] }',
      ),
    ).toBeUndefined();
    expect(
      parseMessageSpec(
        '{ "apiKey": 7, "type": "request", "name": "ControlledShutdownRequest", "validVersions": "none" }',
      ),
    ).toBeUndefined();
  });
});
