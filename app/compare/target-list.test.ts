import { describe, expect, it } from 'vitest';
import { parseTargetList } from './target-list.ts';

describe('parseTargetList', () => {
  it('splits specs, keeping the ZooKeeper suffix with its version', () => {
    const t = parseTargetList('reference, kafka@3.9.2,zk,kafka@4.4.0');
    expect(t.map((x) => x.spec)).toEqual(['reference', 'kafka@3.9.2,zk', 'kafka@4.4.0']);
    expect(t[1]!.parsed).toEqual({ kind: 'kafka', version: '3.9.2', zookeeper: true });
    expect(t.map((x) => x.dirName)).toEqual(['0-reference', '1-kafka-3.9.2-zk', '2-kafka-4.4.0']);
  });

  it('numbers a spec listed twice so the diff can tell them apart', () => {
    expect(parseTargetList('reference,reference').map((x) => x.label)).toEqual(['reference#1', 'reference#2']);
    expect(parseTargetList('external@[::1]:9092,reference').map((x) => x.dirName)).toEqual([
      '0-external-1-9092',
      '1-reference',
    ]);
  });

  it('needs two good specs', () => {
    expect(() => parseTargetList('reference')).toThrow('at least two targets');
    expect(() => parseTargetList('reference,,')).toThrow('at least two targets');
    expect(() => parseTargetList('reference,kafka@nope')).toThrow("bad target 'kafka@nope'");
  });
});
