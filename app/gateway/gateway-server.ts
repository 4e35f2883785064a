/**
 * `kconform gateway`: an HTTP server (node:http) in front of any Kafka-compatible target,
 * serving the record-producing subset of Confluent REST Proxy v3:
 *
 *   GET  /v3/clusters                                        the cluster (one)
 *   GET  /v3/clusters/{cluster_id}                           the cluster
 *   POST /v3/clusters/{cluster_id}/topics/{topic}/records    produce one record (JSON body)
 *
 * One record per request; REST Proxy's streamed mode (several concatenated JSON objects on one
 * request) is not served. Errors are answered as REST Proxy does (see http-errors.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kafkajsClient } from '../../harness/drivers/kafkajs-client.ts';
import { LatencyHistogram } from '../load/histogram.ts';
import { kafkajsCompression } from '../load/kafkajs-codecs.ts';
import type { CompressionName } from '../../protocol/records/batch-header.ts';
import { BatchingProducer } from './batching-producer.ts';
import { GatewayHttpError, RestErrorCode, errorBody, httpErrorFor } from './http-errors.ts';
import { decodeProduceRequest, serializedSize } from './rest-payload.ts';
import { TopicDirectory } from './topic-directory.ts';

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** bootstrap.servers of the target. */
  bootstrap: string;
  host?: string;
  /** 0 picks a free port; default 8082 (REST Proxy's). */
  port?: number;
  /** acks of the gateway's producer: -1 (all, the Java producer's default), 0 or 1. */
  acks?: number;
  compression?: CompressionName;
  /** Largest request body accepted; default 16 MiB. */
  maxBodyBytes?: number;
  /** Largest record accepted (the Java producer's max.request.size); default 1 MiB. */
  maxRecordBytes?: number;
  /** Bytes past maxBodyBytes read and dropped so a too-large request still gets its 413; beyond, the connection is closed. Default 256 MiB. */
  maxDrainBytes?: number;
  /**
   * How long a produce waits for a topic the broker does not have yet (auto-created topics
   * appear a moment after the first Metadata asks for them), as REST Proxy's Java producer waits
   * up to max.block.ms; then 404 / 40403. Default 60 000 (max.block.ms's default).
   */
  topicWaitMs?: number;
  /** Where the producer's client errors are logged; default nowhere. */
  clientLog?: { write(s: string): unknown };
}

/** Counters of a running gateway. */
export interface GatewayStats {
  /** Produce requests answered, by HTTP status. */
  readonly byStatus: Map<number, number>;
  /** From a produce request's body being read to its record being acknowledged, ms. */
  readonly produceLatency: LatencyHistogram;
}

/** A running gateway. */
export interface RunningGateway extends AsyncDisposable {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  readonly clusterId: string;
  readonly stats: GatewayStats;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';

/**
 * Connects to the target (cluster id, a producer) and starts serving.
 * @throws when the target cannot be reached or the port cannot be bound
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const directory = new TopicDirectory(opts.bootstrap, 10_000, opts.topicWaitMs ?? 60_000);
  const kafka = kafkajsClient(
    opts.bootstrap.split(','),
    'kconform-gateway',
    { retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } },
    opts.clientLog ?? { write: () => true },
  );
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
  const acks = opts.acks ?? -1;
  const maxBody = opts.maxBodyBytes ?? 16 << 20;
  const maxRecord = opts.maxRecordBytes ?? 1 << 20;
  const maxDrain = opts.maxDrainBytes ?? 256 << 20;
  let clusterId: string;
  try {
    clusterId = await directory.clusterId();
    await producer.connect();
  } catch (err) {
    directory.close();
    await producer.disconnect().catch(() => {});
    throw err;
  }
  const batching = new BatchingProducer(producer, {
    acks,
    compression: kafkajsCompression(opts.compression ?? 'none'),
  });
  const stats: GatewayStats = { byStatus: new Map(), produceLatency: new LatencyHistogram() };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (res: ServerResponse, err: unknown) => {
    const e = httpErrorFor(err);
    send(res, e.status, errorBody(e));
    return e.status;
  };

  const clusterEntry = (base: string) => {
    const self = `${base}/v3/clusters/${clusterId}`;
    const related = (path: string) => ({ related: `${self}/${path}` });
    return {
      kind: 'KafkaCluster',
      metadata: { self, resource_name: `crn:///kafka=${clusterId}` },
      cluster_id: clusterId,
      controller: null,
      acls: related('acls'),
      brokers: related('brokers'),
      broker_configs: related('broker-configs'),
      consumer_groups: related('consumer-groups'),
      topics: related('topics'),
      partition_reassignments: related('topics/-/partitions/-/reassignment'),
    };
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const tooLarge = () =>
        new GatewayHttpError(
          413,
          RestErrorCode.payloadTooLarge,
          `Produce request size is larger than allowed threshold (${maxBody} bytes)`,
        );
      req.on('data', (c: Buffer) => {
        size += c.length;
        // Past the limit the rest is read and dropped, so the client gets its 413 instead of a
        // connection reset mid-upload; past the drain limit too, the connection is cut.
        if (size > maxBody + maxDrain) {
          reject(tooLarge());
          req.destroy();
          return;
        }
        if (size <= maxBody) chunks.push(c);
      });
      req.on('end', () => (size > maxBody ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
      req.on('error', reject);
    });

  const produce = async (
    req: IncomingMessage,
    res: ServerResponse,
    cluster: string,
    topicName: string,
  ): Promise<number> => {
    const type = (req.headers['content-type'] ?? JSON_TYPE).split(';')[0]!.trim().toLowerCase();
    if (type !== JSON_TYPE) {
      req.resume();
      return fail(
        res,
        new GatewayHttpError(
          415,
          RestErrorCode.unsupportedMediaType,
          `HTTP 415 Unsupported Media Type: expected ${JSON_TYPE}, got ${type}`,
        ),
      );
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      res.setHeader('connection', 'close');
      return fail(res, err);
    }
    const t0 = performance.now();
    try {
      if (cluster !== clusterId)
        throw new GatewayHttpError(404, RestErrorCode.notFound, `Cluster ${cluster} cannot be found.`);
      const record = decodeProduceRequest(body);
      const size = serializedSize(record);
      if (size > maxRecord)
        throw new GatewayHttpError(
          413,
          RestErrorCode.payloadTooLarge,
          `The message is ${size} bytes when serialized which is larger than ${maxRecord}, the maximum request size.`,
        );
      let topic = await directory.topic(topicName);
      if (record.partitionId !== undefined && record.partitionId >= topic.partitions) {
        topic = await directory.topic(topicName, true); // partitions may have been added
        if (record.partitionId >= topic.partitions)
          throw new GatewayHttpError(
            404,
            RestErrorCode.unknownTopicOrPartition,
            'This server does not host this topic-partition.',
          );
      }
      const ack = await batching.send(topicName, topic.partitions, {
        key: record.key,
        value: record.value,
        headers: record.headers,
        partition: record.partitionId,
        timestamp: record.timestamp ?? Date.now(),
      });
      stats.produceLatency.record(performance.now() - t0);
      send(res, 200, {
        error_code: 200,
        cluster_id: clusterId,
        topic_name: topicName,
        partition_id: ack.partition,
        offset: Number(ack.offset),
        timestamp: new Date(ack.timestamp).toISOString(),
        ...(record.keyType ? { key: { type: record.keyType, size: record.key?.length ?? 0 } } : {}),
        ...(record.valueType ? { value: { type: record.valueType, size: record.value?.length ?? 0 } } : {}),
      });
      return 200;
    } catch (err) {
      return fail(res, err);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const base = `http://${req.headers.host ?? 'localhost'}`;
    const method = req.method ?? 'GET';
    const notAllowed = () => {
      req.resume();
      send(res, 405, { error_code: RestErrorCode.methodNotAllowed, message: 'HTTP 405 Method Not Allowed' });
    };
    if (parts[0] === 'v3' && parts[1] === 'clusters') {
      if (parts.length === 2) {
        if (method !== 'GET') return notAllowed();
        return send(res, 200, {
          kind: 'KafkaClusterList',
          metadata: { self: `${base}/v3/clusters`, next: null },
          data: [clusterEntry(base)],
        });
      }
      if (parts.length === 3) {
        if (method !== 'GET') return notAllowed();
        if (parts[2] !== clusterId)
          return send(res, 404, {
            error_code: RestErrorCode.notFound,
            message: `Cluster ${parts[2]} cannot be found.`,
          });
        return send(res, 200, clusterEntry(base));
      }
      if (parts.length === 6 && parts[3] === 'topics' && parts[5] === 'records') {
        if (method !== 'POST') return notAllowed();
        const status = await produce(req, res, parts[2]!, parts[4]!);
        stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
        return;
      }
    }
    req.resume();
    send(res, 404, { error_code: RestErrorCode.notFound, message: 'HTTP 404 Not Found' });
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((err) => {
      if (!res.headersSent) fail(res, err);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8082, opts.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    directory.close();
    await producer.disconnect().catch(() => {});
    throw err;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      directory.close();
      await producer.disconnect().catch(() => {});
    })());
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    clusterId,
    stats,
    close,
    [Symbol.asyncDispose]: close,
  };
}
