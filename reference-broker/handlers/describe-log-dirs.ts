/**
 * DescribeLogDirs (key 35): the node's log directory with the size of every partition log it
 * holds (KafkaApis.handleDescribeLogDirsRequest → ReplicaManager.describeLogDirs), what
 * `kafka-log-dirs.sh --describe` and Admin.describeLogDirs ask every broker. The reference broker
 * has one log directory (`--data-dir`); in memory it has none on a disk, so it answers one
 * directory named "(in memory)" with the volume sizes unknown (-1, the fields' default).
 */
import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type {
  DescribeLogDirsRequest,
  DescribeLogDirsResponse,
  DescribeLogDirsResponseDescribeLogDirsTopic,
} from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

/** The log directory an in-memory broker names (it has no path). */
export const IN_MEMORY_LOG_DIR = '(in memory)';

/** The volume's total and usable bytes, or -1 each when unknown (Kafka: Files.getFileStore). */
function volumeBytes(dir: string | undefined): { totalBytes: bigint; usableBytes: bigint } {
  if (!dir) return { totalBytes: -1n, usableBytes: -1n };
  const s = statfsSync(dir, { bigint: true });
  return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
}

/** The topics and partitions of `broker`'s logs that `wanted` names (all of them when null), as Kafka groups them. */
function describeLogs(
  broker: Broker,
  wanted: DescribeLogDirsRequest['topics'],
): DescribeLogDirsResponseDescribeLogDirsTopic[] {
  const asked = wanted && new Set(wanted.flatMap((t) => t.partitions.map((p) => `${t.topic}\u0000${p}`)));
  const topics: DescribeLogDirsResponseDescribeLogDirsTopic[] = [];
  for (const topic of broker.topics.all()) {
    const partitions = topic.partitions
      // Only the logs this node holds: a cluster node is a replica of some partitions only.
      .filter((p) => p.replicas.includes(broker.nodeId))
      .filter((p) => !asked || asked.has(`${topic.name}\u0000${p.index}`))
      .map((p) => ({
        partitionIndex: p.index,
        partitionSize: BigInt(p.log.sizeInBytes),
        offsetLag: BigInt(Math.max(p.log.highWatermark - p.log.logEndOffset, 0)),
        isFutureKey: false,
      }));
    if (partitions.length) topics.push({ name: topic.name, partitions });
  }
  return topics;
}

export const describeLogDirsHandler: ApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse> = {
  apiKey: ApiKey.DescribeLogDirs,
  ...specVersions(ApiKey.DescribeLogDirs),
  handle(req, { broker }) {
    const dir = broker.config.dataDir;
    const base = { logDir: dir ? resolve(dir) : IN_MEMORY_LOG_DIR, isCordoned: false };
    let result: DescribeLogDirsResponse['results'][number];
    try {
      result = { ...base, errorCode: ErrorCode.NONE, topics: describeLogs(broker, req.topics), ...volumeBytes(dir) };
    } catch {
      // As Kafka answers a directory it cannot read (a KafkaStorageException).
      result = { ...base, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, topics: [], totalBytes: -1n, usableBytes: -1n };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [result] };
  },
};
