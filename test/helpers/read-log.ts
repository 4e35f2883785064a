/** Reading a whole partition the way a consumer does, for tests of what a broker kept. */
import { RawClient } from '../../protocol/client/raw-client.ts';
import { fetchBody, listOffsetsBody } from '../../harness/drivers/request-bodies.ts';
import { decodeRecordBatches } from '../../protocol/records/record-batch.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** One record as read back. */
export interface ReadRecord {
  offset: number;
  value: string;
}

/**
 * Fetches partition `partition` of `topic` from its log start to the high watermark, moving on
 * past each answer as a consumer does (from the last offset it got + 1). Throws if a fetch below
 * the high watermark answers nothing: the consumer would stall there.
 */
export async function readLog(bootstrap: string, topic: string, partition = 0): Promise<ReadRecord[]> {
  const c = await RawClient.connect(bootstrap);
  try {
    let next = Number(
      (await c.request(ApiKey.ListOffsets, 7, listOffsetsBody(topic, -2n, partition))).topics[0]!.partitions[0]!.offset,
    );
    const out: ReadRecord[] = [];
    for (;;) {
      const r = await c.request(ApiKey.Fetch, 12, fetchBody(topic, BigInt(next), { partition }));
      const p = r.responses[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw new Error(`fetch at ${next} answered error ${p.errorCode}`);
      const hw = Number(p.highWatermark);
      if (next >= hw) return out;
      const batches = decodeRecordBatches(p.records ?? Buffer.alloc(0));
      if (batches.length === 0)
        throw new Error(`fetch at offset ${next} (high watermark ${hw}) answered no records: a consumer stalls here`);
      for (const b of batches) {
        for (const rec of b.records) {
          const offset = b.baseOffset + rec.offsetDelta;
          if (offset >= next) out.push({ offset, value: rec.value?.toString() ?? '' });
        }
        next = Math.max(next, b.baseOffset + b.lastOffsetDelta + 1);
      }
    }
  } finally {
    c.close();
  }
}
