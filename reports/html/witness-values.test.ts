import { describe, expect, it } from 'vitest';
import type { Op } from '../../harness/history/history.ts';
import type { PartitionLane } from '../history/log-lanes.ts';
import { MAX_POLL_RECORDS_IN_FULL, opValueText, storedWitnessText } from './witness-values.ts';

const poll = (n: number): Op => ({
  index: 41,
  time: 1,
  process: 'replay',
  type: 'ok',
  f: 'poll',
  value: {
    records: Array.from({ length: n }, (_, o) => ({ topic: 't', partition: 0, offset: o, key: null, value: `v${o}` })),
  },
});
const lane = { partition: 't/0', offsets: [5, 6, 7] } as PartitionLane;

describe('opValueText', () => {
  it('prints a short poll whole', () => {
    const op = poll(MAX_POLL_RECORDS_IN_FULL);
    expect(opValueText(op, [lane])).toEqual({ text: JSON.stringify(op.value) });
  });

  it('prints a long poll’s records at the lane offsets whole, and says how many others and where the op is', () => {
    const r = opValueText(poll(5000), [lane]);
    expect(JSON.parse(r.text).records.map((x: { value: string }) => x.value)).toEqual(['v5', 'v6', 'v7']);
    expect(r.note).toBe(
      "3 of this poll's 5000 records shown: those at the offsets drawn in the lanes above; the whole op is line 42 of history.jsonl",
    );
  });
});

describe('storedWitnessText', () => {
  it('names an op already printed instead of repeating it, and keeps the rest whole', () => {
    const op = poll(3);
    const text = storedWitnessText(
      [{ process: 'replay', skipped: 2, op, next: { offset: 9, value: 'x'.repeat(5000) } }],
      new Set([41]),
    );
    const [w] = JSON.parse(text);
    expect(w.op).toEqual({ op: 41, shown: 'in the witness ops above' });
    expect(w.next.value).toHaveLength(5000);
    expect(JSON.parse(storedWitnessText([{ op }], new Set()))[0].op).toEqual(op);
  });
});
