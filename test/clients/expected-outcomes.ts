/**
 * What the client matrix reports, cell by cell, as the tests assert it. Every cell works on the
 * reference broker (one node and the 3-node cluster) and on Kafka 4.4.0; a cell that is
 * expected to fail must be listed here with its reason (a client limitation, shown to fail on
 * Kafka as well, or a reference-broker bug that was reported), so a change shows up as a
 * failing test rather than as a quietly different table.
 */
import type { CellResult, CellStatus, Feature } from '../../app/clients/features.ts';

/** Cells not expected to work: `client/feature` → status and why. None at the moment. */
export const EXPECTED_NOT_WORKING: Readonly<Record<string, { status: CellStatus; why: string }>> = {};

/** The status the tests expect of a cell. */
export function expectedStatus(client: string, feature: Feature): CellStatus {
  return EXPECTED_NOT_WORKING[`${client}/${feature}`]?.status ?? 'works';
}

/** Cells whose outcome differs from the expectation, in a form that reads well in a failed assertion. */
export function unexpectedCells(cells: readonly CellResult[]): string[] {
  return cells
    .filter((c) => c.status !== expectedStatus(c.client, c.feature))
    .map((c) => `${c.client} ${c.feature}: ${c.status} (expected ${expectedStatus(c.client, c.feature)}): ${c.detail}`);
}
