/**
 * A null sink: a TCP server speaking just enough Kafka for a producer to think it is talking to
 * a broker — ApiVersions, Metadata (every topic asked for exists, with the sink as leader of
 * every partition), CreateTopics (always created) and Produce (every batch acknowledged with
 * made-up offsets, nothing stored). Frames are read and written with the project's generated
 * codec. Producing to it measures the client alone: the ceiling a benchmark's client can reach.
 *
 *   node app/load/null-sink.ts [--port 0] [--partitions 3]   prints "null sink ready on HOST:PORT"
 */
import { createServer, type Server, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { decodeRequest, encodeResponse } from '../../protocol/messages/frames.ts';
import { REQUESTS } from '../../protocol/messages/generated/index.ts';
import { RECORDS_COUNT_OFFSET, LOG_OVERHEAD, BATCH_LENGTH_OFFSET } from '../../protocol/records/batch-header.ts';
import { FrameReader } from '../../reference-broker/network/frame-reader.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const SERVED = [ApiKey.Produce, ApiKey.Metadata, ApiKey.ApiVersions, ApiKey.CreateTopics];
const NODE_ID = 0;
const CLUSTER_ID = 'kconform-null-sink';
const NO_AUTHORIZED_OPERATIONS = -2147483648;
const NULL_UUID = '00000000-0000-0000-0000-000000000000';
/** ApiVersions answers at most this version (its header is what clients must parse before knowing anything). */
const API_VERSIONS_MAX = 3;

/** A running null sink. */
export interface NullSink extends AsyncDisposable {
  readonly bootstrap: string;
  /** Records acknowledged so far. */
  readonly records: () => number;
  close(): Promise<void>;
}

/** Counts the records of a produce payload (record batches v2, back to back) without decoding them. */
function countRecords(records: Buffer | null): number {
  let n = 0;
  for (let pos = 0; records && pos + RECORDS_COUNT_OFFSET + 4 <= records.length; ) {
    n += records.readInt32BE(pos + RECORDS_COUNT_OFFSET);
    pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  }
  return n;
}

function versionRange(apiKey: number): { minVersion: number; maxVersion: number } {
  const [minVersion, maxVersion] = REQUESTS.get(apiKey)!.validVersions;
  return {
    minVersion,
    maxVersion: apiKey === ApiKey.ApiVersions ? Math.min(maxVersion, API_VERSIONS_MAX) : maxVersion,
  };
}

/** Starts a null sink on `host:port` (0: a free port); topics it describes have `partitions` partitions. */
export async function startNullSink(
  opts: { host?: string; port?: number; partitions?: number } = {},
): Promise<NullSink> {
  const host = opts.host ?? '127.0.0.1';
  const partitions = opts.partitions ?? 3;
  const offsets = new Map<string, number>();
  let total = 0;
  let port = 0;
  const sockets = new Set<Socket>();

  // biome-ignore lint/suspicious/noExplicitAny: a decoded request body of any API
  const answer = (apiKey: number, apiVersion: number, body: any): unknown => {
    switch (apiKey) {
      case ApiKey.ApiVersions:
        return {
          errorCode: 0,
          apiKeys: SERVED.map((k) => ({ apiKey: k, ...versionRange(k) })),
          throttleTimeMs: 0,
          supportedFeatures: [],
          finalizedFeaturesEpoch: -1n,
          finalizedFeatures: [],
          zkMigrationReady: false,
        };
      case ApiKey.Metadata: {
        const names: string[] =
          body.topics === null || (apiVersion === 0 && body.topics.length === 0)
            ? [...new Set([...offsets.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))]
            : body.topics.map((t: { name: string }) => t.name);
        return {
          throttleTimeMs: 0,
          brokers: [{ nodeId: NODE_ID, host, port, rack: null }],
          clusterId: CLUSTER_ID,
          controllerId: NODE_ID,
          topics: names.map((name) => ({
            errorCode: 0,
            name,
            topicId: NULL_UUID,
            isInternal: false,
            partitions: Array.from({ length: partitions }, (_, i) => ({
              errorCode: 0,
              partitionIndex: i,
              leaderId: NODE_ID,
              leaderEpoch: 0,
              replicaNodes: [NODE_ID],
              isrNodes: [NODE_ID],
              offlineReplicas: [],
            })),
            topicAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
          })),
          clusterAuthorizedOperations: NO_AUTHORIZED_OPERATIONS,
          errorCode: 0,
        };
      }
      case ApiKey.CreateTopics:
        return {
          throttleTimeMs: 0,
          topics: body.topics.map((t: { name: string }) => ({
            name: t.name,
            topicId: NULL_UUID,
            errorCode: 0,
            errorMessage: null,
            topicConfigErrorCode: 0,
            numPartitions: partitions,
            replicationFactor: 1,
            configs: [],
          })),
        };
      case ApiKey.Produce:
        return {
          responses: body.topicData.map(
            (t: { name: string; topicId: string; partitionData: { index: number; records: Buffer | null }[] }) => ({
              name: t.name,
              topicId: t.topicId,
              partitionResponses: t.partitionData.map((p) => {
                const key = `${t.name}:${p.index}`;
                const base = offsets.get(key) ?? 0;
                const n = countRecords(p.records);
                offsets.set(key, base + n);
                total += n;
                return {
                  index: p.index,
                  errorCode: 0,
                  baseOffset: BigInt(base),
                  logAppendTimeMs: -1n,
                  logStartOffset: 0n,
                  recordErrors: [],
                  errorMessage: null,
                  currentLeader: { leaderId: -1, leaderEpoch: -1 },
                };
              }),
            }),
          ),
          throttleTimeMs: 0,
          nodeEndpoints: [],
        };
    }
    return undefined;
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const reader = new FrameReader(100 << 20);
    socket.on('data', (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (!Array.isArray(frames)) return void socket.destroy();
      for (const frame of frames) {
        let req;
        try {
          // biome-ignore lint/suspicious/noExplicitAny: a decoded request body of any API
          req = decodeRequest<any>(frame, { trailingBytes: 'ignore' });
        } catch {
          // ApiVersions of a version we do not know: the v0 answer says which we do (KIP-511)
          const apiKey = frame.readInt16BE(0);
          if (apiKey === ApiKey.ApiVersions)
            socket.write(
              encodeResponse(ApiKey.ApiVersions, 0, frame.readInt32BE(4), {
                ...(answer(ApiKey.ApiVersions, 0, {}) as object),
                errorCode: 35,
              }),
            );
          else socket.destroy();
          continue;
        }
        const { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId } = req.header;
        const body = answer(apiKey, apiVersion, req.body);
        if (body === undefined) return void socket.destroy();
        if (apiKey === ApiKey.Produce && req.body.acks === 0) continue;
        socket.write(encodeResponse(apiKey, apiVersion, correlationId, body));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }));
  return { bootstrap: `${host}:${port}`, records: () => total, close, [Symbol.asyncDispose]: close };
}

// Run as a program: a separate process, so that it takes no CPU from the client being measured.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      partitions: { type: 'string', default: '3' },
    },
  });
  const sink = await startNullSink({
    host: values.host,
    port: Number(values.port),
    partitions: Number(values.partitions),
  });
  process.stdout.write(`null sink ready on ${sink.bootstrap}\n`);
  const stop = () => void sink.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
