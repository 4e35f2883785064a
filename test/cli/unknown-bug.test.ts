/**
 * `--bug` with a name no known bug has is bad usage, for the broker and for run: exit 2, the
 * known names printed, and nothing started.
 */
import { describe, expect, it } from 'vitest';
import { BUG_NAMES } from '../../reference-broker/bugs/known-bugs.ts';
import { kconform } from '../helpers/kconform-cli.ts';

describe('kconform --bug with an unknown name', () => {
  for (const args of [
    ['broker', '--port', '0'],
    ['run', '--scenarios', 'seed'],
  ]) {
    it(`kconform ${args[0]} exits 2 and lists the known bugs`, async () => {
      const r = await kconform([...args, '--bug', 'drop-acked-writes'], { timeoutMs: 60_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('drop-acked-writes');
      for (const name of BUG_NAMES) expect(r.stderr).toContain(name);
    });
  }
});
