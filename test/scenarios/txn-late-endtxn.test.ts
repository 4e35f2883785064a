/**
 * The txn-late-endtxn scenarios (KAFKA-17754 shape) on the reference broker, through the CLI:
 * with the transaction version the broker finalizes (2) every late EndTxn is refused and nothing
 * is anomalous; with a version-1 producer every late EndTxn is accepted into the next
 * transaction and the anomalies it makes are reported as allowed (exit 0), never as absent.
 * Kafka 3.9.2 / 4.4.0 runs are written up in docs/transactions.md (slow: not run here).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-late-endtxn-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Check {
  checker: string;
  valid: unknown;
  allowed?: boolean;
}
/** The checkers whose anomalies a late EndTxn makes (poll-skip's allowance for transactional gaps is another matter). */
const LATE_FAMILIES = new Set(['aborted-read', 'lost-write', 'txn-g1a', 'txn-lost-write', 'txn-torn']);
const allowedLate = (checks: Check[]) =>
  checks
    .filter((c) => c.allowed && LATE_FAMILIES.has(c.checker))
    .map((c) => c.checker)
    .sort();

const run = async (scenario: string) => {
  const out = join(scratch, scenario);
  const r = await kconform(['run', '--target', 'reference', '--scenarios', scenario, '--seed', '1', '--out', out], {
    timeoutMs: 120_000,
  });
  const checks = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { checks: Check[] }).checks;
  const late = readFileSync(join(out, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { f: string; type: string; value: { answers?: string[] } })
    .filter((o) => o.f === 'late-end-txn' && o.type === 'ok')
    .flatMap((o) => o.value.answers ?? []);
  return { code: r.code, out: r.stdout, checks, late };
};

describe('txn-late-endtxn on the reference broker', () => {
  it('transaction version 2: the late EndTxn is PRODUCER_FENCED, nothing anomalous', async () => {
    const r = await run('txn-late-endtxn');
    expect(r.code, r.out.slice(-2000)).toBe(0);
    expect(r.late).toEqual(['PRODUCER_FENCED', 'PRODUCER_FENCED', 'PRODUCER_FENCED', 'PRODUCER_FENCED']);
    expect(r.checks.filter((c) => c.valid !== true).map((c) => c.checker)).toEqual([]);
    expect(allowedLate(r.checks)).toEqual([]);
  }, 120_000);

  it('transaction version 1: the late EndTxn ends the next transaction; its anomalies are allowed, and reported', async () => {
    const r = await run('txn-late-endtxn-v1');
    expect(r.code, r.out.slice(-2000)).toBe(0);
    expect(r.late).toEqual(['NONE', 'NONE', 'NONE', 'NONE']);
    expect(allowedLate(r.checks)).toEqual([...LATE_FAMILIES].sort());
  }, 120_000);
});
