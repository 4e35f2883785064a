import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../../protocol/messages/generated/api-keys.ts';
import { RawClient } from '../../../protocol/client/raw-client.ts';
import { SINGLE_NODE_OFFSETS_PARTITIONS } from '../../kafka-dist/server-properties.ts';
import { startTarget } from '../registry.ts';
import { parseTargetSpec } from '../target-spec.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the in-process reference target', () => {
  // conform's DescribeTopicPartitions cursors named __consumer_offsets partition 1 on the
  // reference broker (50 partitions) and the next topic on Kafka (1): the targets, not the brokers, differed.
  it('has as many __consumer_offsets partitions as the single-node Kafka the harness starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kconform-reference-builder-'));
    dirs.push(dir);
    await using target = await startTarget(parseTargetSpec('reference'), dir);
    const raw = await RawClient.connect(target.bootstrap);
    try {
      // A group coordinator lookup makes the broker create its offsets topic (COORDINATOR_NOT_AVAILABLE until then).
      const deadline = Date.now() + 10_000;
      let error = -1;
      while (error !== 0 && Date.now() < deadline) {
        const found = await raw.request(ApiKey.FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['g'] });
        error = found.coordinators[0]?.errorCode ?? -1;
        if (error !== 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(error).toBe(0);
      const md = await raw.request(ApiKey.Metadata, 12, {
        topics: [{ topicId: '00000000-0000-0000-0000-000000000000', name: '__consumer_offsets' }],
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      });
      expect(md.topics[0]?.partitions).toHaveLength(SINGLE_NODE_OFFSETS_PARTITIONS);
    } finally {
      raw.close();
    }
  });
});
