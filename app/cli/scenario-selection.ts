import { randomBytes } from 'node:crypto';
import { ALL_SCENARIOS, STUDY_SCENARIOS, type Scenario } from '../../scenarios/index.ts';
import { usageError } from './exit-codes.ts';

/** A run id: UTC time to the second plus a random suffix, e.g. `20261125T011824Z-d7978d`. */
export function newRunId(): string {
  const t = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${t}-${randomBytes(3).toString('hex')}`;
}

/** What the target can do, as far as choosing scenarios goes (TargetCapabilities). */
export interface SelectionCapabilities {
  /** False: no transactions yet (scenarios that need them are left out of `all`). */
  transactions?: boolean;
  /** False: no KIP-848 consumer groups (scenarios that need them are left out of `all`). */
  consumerProtocol?: boolean;
}

/**
 * Resolves `--scenarios` ('all' or a comma-separated list) for a target of `brokers` nodes; an
 * unknown or empty list is bad usage, and so is naming a scenario that needs more nodes. `all`
 * leaves those out and says so through `note`, and leaves out scenarios needing what the target
 * cannot do yet (`capabilities`); named on their own, those run and say "not supported by this
 * target yet" as their verdict.
 */
export function selectScenarios(
  names: string,
  brokers = 1,
  note: (line: string) => void = () => {},
  capabilities: SelectionCapabilities = {},
): Scenario[] {
  const fits = (s: Scenario) => (s.minBrokers ?? 1) <= brokers;
  const lacks = (s: Scenario) =>
    (s.needs ?? []).find(
      (n) =>
        (n === 'transactions' && capabilities.transactions === false) ||
        (n === 'consumer-protocol' && capabilities.consumerProtocol === false),
    );
  const supported = (s: Scenario) => lacks(s) === undefined;
  if (names === 'all') {
    const inAll = ALL_SCENARIOS.filter((s) => !STUDY_SCENARIOS.includes(s));
    for (const s of inAll.filter((s) => !fits(s)))
      note(`scenario ${s.name} left out of 'all': it needs --brokers ${s.minBrokers} (this target has ${brokers})`);
    for (const s of inAll.filter((s) => fits(s) && !supported(s)))
      note(`scenario ${s.name} left out of 'all': it needs ${lacks(s)}, not supported by this target yet`);
    return inAll.filter((s) => fits(s) && supported(s));
  }
  const wanted = names
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((n) => !ALL_SCENARIOS.some((s) => s.name === n));
  if (unknown.length || wanted.length === 0)
    throw usageError(
      `unknown scenario(s) ${unknown.join(', ') || "''"}; available: ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const chosen = wanted.map((n) => ALL_SCENARIOS.find((s) => s.name === n)!);
  const tooBig = chosen.filter((s) => !fits(s));
  if (tooBig.length)
    throw usageError(
      `${tooBig.map((s) => `${s.name} needs --brokers ${s.minBrokers}`).join(', ')} (asked for ${brokers})`,
    );
  return chosen;
}
