import { randomBytes } from 'node:crypto';
import { SCENARIOS, type Scenario } from '../../scenarios/index.ts';
import { usageError } from './exit-codes.ts';

/** A run id: UTC time to the second plus a random suffix, e.g. `20261125T011824Z-d7978d`. */
export function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${t}-${randomBytes(3).toString('hex')}`;
}

/** Resolves `--scenarios` ('all' or a comma-separated list); an unknown or empty list is bad usage. */
export function selectScenarios(names: string): Scenario[] {
  if (names === 'all') return [...SCENARIOS];
  const wanted = names.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length || wanted.length === 0) throw usageError(`unknown scenario(s) ${unknown.join(', ') || "''"}; available: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return wanted.map((n) => SCENARIOS.find((s) => s.name === n)!);
}
