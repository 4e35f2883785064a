import { describe, expect, it } from 'vitest';
import { ContentIds, RecordContents } from './content-ids.ts';

describe('ContentIds', () => {
  it('gives equal (key, value) one id, in order of first appearance', () => {
    const c = new ContentIds();
    expect([c.id(null, 'a'), c.id('k', 'a'), c.id(null, 'a'), c.id('a', null), c.id('k', 'a')]).toEqual([
      0, 1, 0, 2, 1,
    ]);
    expect(c.size).toBe(3);
    expect([c.keys[2], c.values[2]]).toEqual(['a', null]);
  });

  it('tells null from every string, and key from value', () => {
    const c = new ContentIds();
    const ids = [
      c.id(null, null),
      c.id(null, 'null'),
      c.id('null', null),
      c.id(null, ''),
      c.id('', null),
      c.id('', ''),
    ];
    expect(new Set(ids).size).toBe(6);
  });

  it('keeps every id through growth (rehashing)', () => {
    const c = new ContentIds();
    for (let i = 0; i < 10_000; i++) expect(c.id(null, `v${i}`)).toBe(i);
    for (let i = 0; i < 10_000; i += 997) expect(c.id(null, `v${i}`)).toBe(i);
    expect(c.size).toBe(10_000);
  });
});

describe('RecordContents', () => {
  it('finds what was seen at an offset, and numbers a different record there anew', () => {
    const r = new RecordContents();
    const a = r.of(0, 5, null, 'a', 10);
    expect(r.of(0, 5, null, 'a', 10)).toBe(a);
    const b = r.of(0, 5, 'k', 'a', 10);
    expect(b).not.toBe(a);
    // The same content elsewhere (or where no offset is known) keeps its id.
    expect(r.of(1, 0, null, 'a', 10)).toBe(a);
    expect(r.of(-1, -1, 'k', 'a', 0)).toBe(b);
    expect(r.size).toBe(2);
  });

  it('reads anything not a string as null', () => {
    const r = new RecordContents();
    expect(r.of(-1, -1, undefined, 7, 0)).toBe(r.of(-1, -1, null, null, 0));
    expect(r.ids.values).toEqual([null]);
  });
});
