/**
 * Topic config changes and new partitions go through the metadata log: a restarted broker (same
 * data directory) still has them, and the partition logs take the new settings (segment.bytes
 * rolls segments at the new size). What each answer holds is compared with Kafka 4.4.0 by
 * `kconform conform` (app/conform/edge-cases/config-cases.ts); this checks what it does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceBody } from '../../harness/drivers/request-bodies.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { startTestBroker, uniqueTopic } from '../helpers/reference.ts';

const MiB = 1024 * 1024;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kconform-admin-configs-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function describeOwn(c: RawClient, topic: string): Promise<Record<string, string | null>> {
  const r = await c.request(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  return Object.fromEntries(r.results[0]!.configs.filter((e) => e.configSource === 1).map((e) => [e.name, e.value]));
}

describe('topic configs and partitions across a restart', () => {
  it('keeps altered configs and added partitions, and the log rolls segments at the new segment.bytes', async () => {
    const dataDir = join(scratch, 'node');
    const topic = uniqueTopic('altered');
    const first = await startTestBroker({ dataDir });
    try {
      const c = await RawClient.connect(first.bootstrap);
      try {
        await c.request(ApiKey.CreateTopics, 7, {
          topics: [{ name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
          timeoutMs: 5000,
          validateOnly: false,
        });
        const altered = await c.request(ApiKey.IncrementalAlterConfigs, 1, {
          resources: [
            {
              resourceType: 2,
              resourceName: topic,
              configs: [
                { name: 'segment.bytes', configOperation: 0, value: String(MiB) },
                { name: 'retention.ms', configOperation: 0, value: '86400000' },
              ],
            },
          ],
          validateOnly: false,
        });
        expect(altered.responses[0]).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null });
        const grown = await c.request(ApiKey.CreatePartitions, 3, {
          topics: [{ name: topic, count: 3, assignments: null }],
          timeoutMs: 5000,
          validateOnly: false,
        });
        expect(grown.results[0]?.errorCode).toBe(ErrorCode.NONE);
        const big = 'x'.repeat(400 * 1024);
        for (let i = 0; i < 4; i++) {
          const r = await c.request(ApiKey.Produce, 11, produceBody(topic, buildRecordBatch([{ value: big }])));
          expect(r.responses[0]?.partitionResponses[0]?.errorCode).toBe(ErrorCode.NONE);
        }
        // 1.6 MiB of batches cannot fit one 1 MiB segment (the default, 1 GiB, would hold them all)
        expect(first.broker.partition(topic, 0)?.log.segmentCount).toBeGreaterThan(1);
      } finally {
        c.close();
      }
    } finally {
      await first.close();
    }
    const again = await startTestBroker({ dataDir });
    try {
      const c = await RawClient.connect(again.bootstrap);
      try {
        expect(await describeOwn(c, topic)).toEqual({ 'segment.bytes': String(MiB), 'retention.ms': '86400000' });
        expect(again.broker.topics.get(topic)?.partitions).toHaveLength(3);
        const deleted = await c.request(ApiKey.IncrementalAlterConfigs, 1, {
          resources: [
            {
              resourceType: 2,
              resourceName: topic,
              configs: [{ name: 'retention.ms', configOperation: 1, value: null }],
            },
          ],
          validateOnly: false,
        });
        expect(deleted.responses[0]?.errorCode).toBe(ErrorCode.NONE);
        expect(await describeOwn(c, topic)).toEqual({ 'segment.bytes': String(MiB) });
        const brokerConfigs = await c.request(ApiKey.DescribeConfigs, 4, {
          resources: [
            { resourceType: 4, resourceName: '1', configurationKeys: ['num.partitions', 'log.retention.ms'] },
          ],
          includeSynonyms: true,
          includeDocumentation: false,
        });
        // as Kafka 4.4.0 (kconform conform compares the rest): a setting of the broker's start is static
        expect(brokerConfigs.results[0]?.configs.map((e) => [e.name, e.value, e.configSource, e.readOnly])).toEqual([
          ['log.retention.ms', null, 5, false],
          ['num.partitions', '1', 4, true],
        ]);
      } finally {
        c.close();
      }
    } finally {
      await again.close();
    }
  }, 60_000);
});
