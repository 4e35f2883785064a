/**
 * Biome's lint rules and formatting (biome.json) hold for the whole repository, so CI fails on
 * either: `npm run lint` runs the same check, `npm run format` fixes what it can.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

describe('biome', () => {
  it('finds no lint error and no unformatted file (npm run format fixes the formatting)', () => {
    // --colors=off: the failure message is biome's own report, readable in a CI log.
    const r = spawnSync(biome, ['ci', '--colors=off', '--max-diagnostics=50', '.'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.error).toBeUndefined();
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  }, 180_000);
});
