import { describe, expect, it } from 'vitest';
import { renderJUnit } from './junit.ts';

describe('renderJUnit', () => {
  it('counts failures and skips per suite and escapes text', () => {
    const xml = renderJUnit([
      { suite: 'seed@reference', name: 'lost-write', failure: '2 lost <writes>', details: '{"a":"&"}' },
      { suite: 'seed@reference', name: 'duplicate' },
      { suite: 'seed@reference', name: 'replay', skipped: 'unknown' },
    ]);
    expect(xml).toContain('<testsuite name="seed@reference" tests="3" failures="1" skipped="1">');
    expect(xml).toContain('message="2 lost &lt;writes&gt;"');
    expect(xml).toContain('{&quot;a&quot;:&quot;&amp;&quot;}');
  });
});
