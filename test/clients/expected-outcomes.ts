/**
 * What the client matrix reports, cell by cell, as the tests assert it. Every cell works on the
 * reference broker (one node and the 3-node cluster) and on Kafka 4.4.0; a cell that is
 * expected to fail must be listed here with its reason (a client limitation, shown to fail on
 * Kafka as well, or a reference-broker bug that was reported), so a change shows up as a
 * failing test rather than as a quietly different table.
 */
import type { CellResult, CellStatus, Feature } from '../../app/clients/features.ts';

/** What a listed cell is expected to do. */
interface ExpectedCell {
  status: CellStatus;
  why: string;
  /** A race: runs where the cell works are accepted too. */
  racy?: boolean;
}

/**
 * Cells not expected to work: `client/feature` (every target) or `client/feature@target` (one
 * matrix target: `reference`, `reference3`, `kafka@4.4.0`, …) → status and why.
 */
export const EXPECTED_NOT_WORKING: Readonly<Record<string, ExpectedCell>> = {};

function entryOf(client: string, feature: Feature, target?: string) {
  const onTarget = target === undefined ? undefined : EXPECTED_NOT_WORKING[`${client}/${feature}@${target}`];
  return onTarget ?? EXPECTED_NOT_WORKING[`${client}/${feature}`];
}

/** The status the tests expect of a cell on `target` (none: the entries for every target only). */
export function expectedStatus(client: string, feature: Feature, target?: string): CellStatus {
  return entryOf(client, feature, target)?.status ?? 'works';
}

/**
 * Cells whose outcome on `target` differs from the expectation, in a form that reads well in a
 * failed assertion. A racy entry's cell may also work.
 */
export function unexpectedCells(cells: readonly CellResult[], target?: string): string[] {
  const want = (c: CellResult) => expectedStatus(c.client, c.feature, target);
  const racyWorks = (c: CellResult) => c.status === 'works' && entryOf(c.client, c.feature, target)?.racy === true;
  return cells
    .filter((c) => c.status !== want(c) && !racyWorks(c))
    .map((c) => `${c.client} ${c.feature}: ${c.status} (expected ${want(c)}): ${c.detail}`);
}
