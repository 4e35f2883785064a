/**
 * A group's committed offsets as a transactional copier must read them before it resumes: an
 * OffsetFetch with `require_stable` (KIP-447) to the group's coordinator. While a transaction
 * that committed offsets for a partition is still open, or its commit marker has not yet reached
 * __consumer_offsets (Kafka writes markers after answering EndTxn), the coordinator answers
 * UNSTABLE_OFFSET_COMMIT for that partition and the copier asks again, as Kafka's Java consumer
 * does. Without it a copier could resume from an offset its own committed transaction already
 * moved past (a duplicate that would be the client's, not the broker's). kafkajs' admin never
 * sets `require_stable`, hence the raw request.
 */
import { COORDINATOR_KEY_TYPE, findCoordinator } from '../harness/drivers/find-coordinator.ts';
import type { TargetNode } from '../harness/nemesis/fault-control.ts';
import { RawClient } from '../protocol/client/raw-client.ts';
import { ErrorCode } from '../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../protocol/messages/generated/api-keys.ts';

/** Answers that mean "ask again (maybe elsewhere) in a moment". */
const RETRIABLE: ReadonlySet<number> = new Set([
  ErrorCode.UNSTABLE_OFFSET_COMMIT,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The stable committed offset of each of `partitions` of `topic` for `group` (0 where nothing is
 * committed: the copier starts from the beginning). Retries until `timeoutMs`, trying the nodes
 * in turn for the coordinator lookup; rejects with the last reason after that.
 */
export async function stableCommittedOffsets(
  nodes: readonly TargetNode[],
  group: string,
  topic: string,
  partitions: number,
  timeoutMs = 60_000,
): Promise<Map<number, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (let attempt = 0; ; attempt++) {
    if (Date.now() > deadline) throw new Error(`stable offsets of group ${group}: ${last}`);
    const node = nodes[attempt % nodes.length]!;
    let lookup: RawClient | undefined;
    let coordinator: RawClient | undefined;
    try {
      lookup = await RawClient.connect(node.bootstrap, 'kconform-offsets', 5_000);
      const c = await findCoordinator(lookup, group, COORDINATOR_KEY_TYPE.group, 5_000);
      if (c.errorCode !== ErrorCode.NONE) {
        last = `FindCoordinator error ${c.errorCode}`;
      } else {
        coordinator =
          c.address === node.bootstrap ? lookup : await RawClient.connect(c.address, 'kconform-offsets', 5_000);
        const res = await coordinator.send(
          ApiKey.OffsetFetch,
          {
            groupId: group,
            topics: [{ name: topic, partitionIndexes: Array.from({ length: partitions }, (_, p) => p) }],
            groups: [],
            requireStable: true,
          },
          { versions: { min: 7, max: 7 }, timeoutMs: 10_000 },
        );
        const errors = [res.errorCode, ...(res.topics[0]?.partitions ?? []).map((p) => p.errorCode)].filter(
          (e) => e !== ErrorCode.NONE,
        );
        if (errors.length === 0) {
          const out = new Map<number, number>();
          for (const p of res.topics[0]?.partitions ?? [])
            out.set(p.partitionIndex, Math.max(0, Number(p.committedOffset)));
          for (let p = 0; p < partitions; p++) if (!out.has(p)) out.set(p, 0);
          return out;
        }
        last = `OffsetFetch errors ${[...new Set(errors)].join(',')}`;
        if (!errors.every((e) => RETRIABLE.has(e))) throw new Error(`stable offsets of group ${group}: ${last}`);
      }
    } catch (err) {
      if ((err as Error).message.startsWith('stable offsets of group')) throw err;
      last = (err as Error).message;
    } finally {
      if (coordinator !== lookup) coordinator?.close();
      lookup?.close();
    }
    await sleep(Math.min(1_000, 50 * 2 ** Math.min(attempt, 5)));
  }
}
