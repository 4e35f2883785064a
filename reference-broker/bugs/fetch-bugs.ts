import { batchSizeAt, LOG_OVERHEAD } from '../../protocol/records/batch-header.ts';
import type { BugSwitch } from './known-bugs.ts';

function splitBatches(records: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + LOG_OVERHEAD <= records.length) {
    const size = batchSizeAt(records, pos);
    out.push(records.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** Applies the fetch-side known bugs (reorder-batches, skip-offset) to a partition's records. */
export function applyFetchBugs(bugs: BugSwitch, records: Buffer): Buffer {
  if (!bugs.any || records.length === 0) return records;
  const batches = splitBatches(records);
  if (batches.length >= 2 && bugs.has('reorder-batches') && bugs.strikes('reorder-batches')) {
    return Buffer.concat([batches[1]!, batches[0]!, ...batches.slice(2)]);
  }
  // With only two batches the consumer would fetch the second again; three make the skip stick.
  if (batches.length >= 3 && bugs.has('skip-offset') && bugs.strikes('skip-offset')) {
    return Buffer.concat([batches[0]!, ...batches.slice(2)]);
  }
  return records;
}
