/**
 * txn-late-endtxn (transaction version 2) on 3-node clusters: the reference cluster and Kafka
 * 4.4.0 must both pass. On a cluster the transaction coordinator and a partition's leader are
 * often different nodes, so the previous transaction's marker reaches that leader over the network
 * while the producer (its EndTxn v5 already answered) sends the next transaction's first record
 * there. Kafka's leader takes that record, at the bumped epoch, as not part of the open
 * transaction and adds the partition at the coordinator first, which answers
 * CONCURRENT_TRANSACTIONS until the marker is in (UnifiedLog.maybeStartTransactionVerification).
 * The reference leader used to append it into the open transaction: the marker landed after it,
 * the next transaction had no marker there, and an aborted record was read as committed
 * (aborted-read, txn-g1a). Each run takes ~20-30 s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnCluster } from './failover-runs.ts';
import { scratchDir } from './scenario-runs.ts';

const scratch = scratchDir('txn-late-endtxn-cluster');
afterAll(() => scratch.remove());

interface Op {
  f: string;
  type: string;
  value: {
    partition?: number;
    offset?: number;
    txn?: { id: string };
    answers?: string[];
    ends?: Record<string, number>;
  };
}

/**
 * Where a partition's log breaks the rule "a transaction's marker precedes the next transaction's
 * records": acknowledged records of two different transactions with no offset between them (no
 * room for the first one's marker), or the log ending right after the last record (no marker).
 */
function markerGaps(ops: Op[]): string[] {
  const sends = ops.filter((o) => o.f === 'send' && o.type === 'ok' && o.value.txn && o.value.offset !== undefined);
  const ends = ops.findLast((o) => o.f === 'end-offsets' && o.type === 'ok')?.value.ends ?? {};
  const gaps: string[] = [];
  for (const partition of new Set(sends.map((o) => o.value.partition!))) {
    const here = sends.filter((o) => o.value.partition === partition).sort((a, b) => a.value.offset! - b.value.offset!);
    for (let i = 1; i < here.length; i++) {
      const [a, b] = [here[i - 1]!.value, here[i]!.value];
      if (a.txn!.id !== b.txn!.id && b.offset! - a.offset! < 2)
        gaps.push(`partition ${partition}: ${b.txn!.id}@${b.offset} right after ${a.txn!.id}@${a.offset}`);
    }
    const last = here.at(-1)!.value;
    if ((ends[String(partition)] ?? 0) < last.offset! + 2)
      gaps.push(
        `partition ${partition}: ends at ${ends[String(partition)]}, no marker after ${last.txn!.id}@${last.offset}`,
      );
  }
  return gaps;
}

describe('txn-late-endtxn on a 3-node cluster (transaction version 2)', () => {
  for (const target of ['reference', 'kafka@4.4.0']) {
    it(`${target}: every late EndTxn is refused and each transaction's marker precedes the next transaction on every partition`, async () => {
      const r = await runOnCluster(target, {
        scenario: 'txn-late-endtxn',
        seed: 1,
        records: 100,
        faults: [],
        dir: scratch.dir,
      });
      const failing = r.checks.filter((c) => c.valid !== true).map((c) => `${c.checker}: ${c.summary}`);
      if (r.error || failing.length > 0) scratch.keep();
      expect(r.error).toBeUndefined();
      expect(failing).toEqual([]);
      expect(r.valid).toBe(true);
      const ops = readFileSync(join(r.runDir, 'history.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Op);
      expect(ops.find((o) => o.f === 'txn-begin' && o.type === 'ok')?.value).toMatchObject({ transactionVersion: 2 });
      const late = ops.filter((o) => o.f === 'late-end-txn' && o.type === 'ok').flatMap((o) => o.value.answers ?? []);
      expect(late).toHaveLength(4);
      for (const answer of late) expect(['PRODUCER_FENCED', 'CONCURRENT_TRANSACTIONS']).toContain(answer);
      expect(markerGaps(ops)).toEqual([]);
    }, 120_000);
  }
});
