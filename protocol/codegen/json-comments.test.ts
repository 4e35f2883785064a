import { describe, expect, it } from 'vitest';
import { parseJsonWithComments, stripJsonComments } from './json-comments.ts';

describe('stripJsonComments', () => {
  it('removes line and block comments', () => {
    const text = '// header\n{ "a": 1, // trailing\n /* block\n more */ "b": 2 }';
    expect(parseJsonWithComments(text)).toEqual({ a: 1, b: 2 });
  });

  it('keeps comment markers inside strings, escaped quotes included', () => {
    const text = '{ "url": "http://x//y", "q": "say \\"//hi\\"", "s": "/* no */" } // end';
    expect(parseJsonWithComments(text)).toEqual({ url: 'http://x//y', q: 'say "//hi"', s: '/* no */' });
  });

  it('keeps line numbering', () => {
    expect(stripJsonComments('a // x\nb /* 1\n2 */ c').split('\n')).toHaveLength(3);
  });
});
