import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckConfig } from './config.ts';
import { checkHistory } from './index.ts';
import { mutateHistory } from './mutated-history.ts';
import { PLANTABLE, plantAnomaly, prng, simulateHistory } from './simulated-history.ts';

/**
 * The checkers' results — verdict, summary, count, witnesses, series — on 240 generated histories
 * (correct ones, ones with a planted anomaly, and damaged ones: mutated-history.ts) under several
 * configurations must stay exactly what the checkers gave before they were reworked for speed
 * (a columnar history index instead of per-poll objects and string maps). The expected results
 * are kept as one digest per case and checker in equivalence-digests.json, written by the
 * implementation before the rework (`KCONFORM_WRITE_DIGESTS=1` writes the file anew; only do that
 * for an intended change of results).
 */
const DIGESTS = new URL('./equivalence-digests.json', import.meta.url);
const CASES = 240;
const CONFIGS: Partial<CheckConfig>[] = [
  {},
  { consumersSeeAll: true },
  { acks: 0 },
  { acks: 1, faults: true, idempotent: false },
  { transactional: true },
  { faults: true, uncleanLeaderElection: true },
];

function generatedCase(n: number): {
  name: string;
  history: ReturnType<typeof simulateHistory>;
  config: Partial<CheckConfig>;
} {
  const rand = prng(1000 + n);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const options = {
    seed: int(0, 2 ** 31 - 1),
    ops: int(150, 2500),
    producers: int(2, 5),
    partitions: int(2, 5),
    consumers: int(1, 3),
    maxInFlight: int(1, 4),
    infoRate: [0, 0.05, 0.2][int(0, 2)]!,
    failRate: [0, 0.05][int(0, 1)]!,
    transactions: rand() < 0.5,
  };
  let history = simulateHistory(options);
  let kind = 'correct';
  if (n % 3 === 1) {
    const planted = PLANTABLE[int(0, PLANTABLE.length - 1)]!;
    try {
      history = plantAnomaly(history, planted);
      kind = `planted ${planted}`;
    } catch {
      // too few records on a non-transactional partition: stays correct
    }
  }
  if (n % 3 === 2) {
    const edits = int(1, 40);
    history = mutateHistory(history, options.seed, edits);
    kind = `${edits} edits`;
  }
  return { name: `case ${n} (${kind}, ${history.length} ops)`, history, config: CONFIGS[n % CONFIGS.length]! };
}

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

function digestsNow(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (let n = 0; n < CASES; n++) {
    const c = generatedCase(n);
    const byChecker: Record<string, string> = {};
    for (const r of checkHistory(c.history, c.config)) byChecker[r.checker] = digest(r);
    out[c.name] = byChecker;
  }
  return out;
}

describe('checkers after the speed rework', () => {
  it('give the same verdicts, counts and witnesses as before on generated histories', () => {
    const now = digestsNow();
    if (process.env.KCONFORM_WRITE_DIGESTS === '1' || !existsSync(DIGESTS)) {
      writeFileSync(DIGESTS, JSON.stringify(now, null, 1) + '\n');
      return;
    }
    const before = JSON.parse(readFileSync(DIGESTS, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(now)).toEqual(Object.keys(before));
    for (const name of Object.keys(before)) expect(now[name], name).toEqual(before[name]);
  });

  it('sees the damaged histories fail in many ways (the cases reach the checkers’ corners)', () => {
    const failing = new Set<string>();
    for (let n = 2; n < CASES; n += 3) {
      const c = generatedCase(n);
      for (const r of checkHistory(c.history, c.config)) if (r.valid === false || r.allowed) failing.add(r.checker);
    }
    expect([...failing].sort()).toEqual(
      [
        'aborted-read',
        'duplicate',
        'inconsistent-offsets',
        'lost-write',
        'nonmonotonic-poll',
        'nonmonotonic-send',
        'poll-skip',
        'protocol-expectations',
        'reorder',
        'replay',
      ].sort(),
    );
  });
});
