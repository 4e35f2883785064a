/**
 * A client that pipelines requests and does not read the answers must not grow the broker's
 * memory: Kafka mutes a channel until its response is sent; the reference broker stops handling
 * a connection's requests while more than 1 MiB of its answers wait to be read
 * (MAX_UNSENT_RESPONSE_BYTES). The broker runs as its own process so its RSS is what is measured.
 * Without the bound, 300 pipelined 1 MiB Fetches grew it by 321 MiB within 3 s (measured). The
 * ApiVersions case guards the other side: many small answers, so the connection stalls and
 * resumes many times, and every answer still arrives, in order.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRequest } from '../../protocol/messages/frames.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { createTopicBody, fetchBody, produceBody } from '../../harness/drivers/request-bodies.ts';
import { open } from '../../harness/fuzz/fuzz-broker.ts';
import { rssBytes, spawnBroker, waitReady, type BrokerProcess } from '../helpers/broker-process.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const MiB = 1024 * 1024;
/** The stated bounds: RSS growth while a client pipelines and does not read (1 MiB answers; small answers). */
const GROWTH_BOUND = 96 * MiB;
const SMALL_GROWTH_BOUND = 32 * MiB;
/** How long the broker gets to misbehave (the report: +1.5 GiB within 3 s). */
const WINDOW_MS = 3_000;

let broker: BrokerProcess;
let bootstrap: string;
const topic = uniqueTopic('bp');

beforeAll(async () => {
  broker = spawnBroker(['--port', '0']);
  bootstrap = await waitReady(broker);
  const c = await RawClient.connect(bootstrap);
  try {
    await c.request(ApiKey.CreateTopics, 7, createTopicBody(topic));
    // 1 MiB of incompressible-looking records, so every Fetch below answers about 1 MiB.
    for (let i = 0; i < 16; i++) {
      const value = Buffer.alloc(64 * 1024, `${i}-${topic}`);
      const r = await c.request(ApiKey.Produce, 9, produceBody(topic, buildRecordBatch([{ value }])));
      expect(r.responses[0]!.partitionResponses[0]!.errorCode).toBe(0);
    }
  } finally {
    c.close();
  }
}, 90_000);
afterAll(async () => {
  await broker?.stop();
});

/** Reads `n` response frames from `socket` and returns their correlation ids and total bytes. */
function readAnswers(socket: Socket, n: number, timeoutMs: number): Promise<{ ids: number[]; bytes: number }> {
  return new Promise((resolve, reject) => {
    const ids: number[] = [];
    let bytes = 0;
    let chunks: Buffer[] = [];
    let buffered = 0;
    const timer = setTimeout(
      () => reject(new Error(`only ${ids.length} of ${n} answers in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      buffered += d.length;
      bytes += d.length;
      // Join chunks only once a whole frame is there: a 1 MiB answer arrives in many pieces.
      for (;;) {
        if (buffered < 8) break;
        if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks, buffered)];
        const size = chunks[0]!.readInt32BE(0);
        if (buffered < 4 + size) break;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
        ids.push(all.readInt32BE(4));
        const rest = all.subarray(4 + size);
        chunks = rest.length ? [rest] : [];
        buffered = rest.length;
      }
      if (ids.length === n) {
        clearTimeout(timer);
        resolve({ ids, bytes });
      }
    });
    socket.once('close', () => reject(new Error(`closed after ${ids.length} answers`)));
    socket.resume();
  });
}

/**
 * Sends `frames` without reading, lets the broker work for WINDOW_MS while a well-behaved client
 * fetches on another connection, and returns the broker's largest RSS growth meanwhile.
 */
async function pipelineWithoutReading(
  frames: Buffer,
  meanwhile: 'fetch' | 'api-versions' = 'fetch',
): Promise<{ socket: Socket; growth: number; served: number }> {
  const good = await RawClient.connect(bootstrap, 'well-behaved');
  // Warm the broker's allocator with the same kind of work first, so growth is what the abuse adds.
  for (let i = 0; i < 5; i++) {
    if (meanwhile === 'fetch') await good.request(ApiKey.Fetch, 12, fetchBody(topic, 0n));
    else await good.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
  }
  const before = rssBytes(broker.child.pid!);
  const socket = await open(bootstrap);
  socket.on('error', () => {});
  socket.pause();
  socket.write(frames);
  let peak = before;
  let served = 0;
  const deadline = Date.now() + WINDOW_MS;
  try {
    while (Date.now() < deadline) {
      if (meanwhile === 'fetch') {
        const r = await good.request(ApiKey.Fetch, 12, fetchBody(topic, 0n), 15_000);
        expect(r.responses[0]!.partitions[0]!.records?.length).toBeGreaterThan(MiB / 2);
      } else {
        const r = await good.request(
          ApiKey.ApiVersions,
          3,
          { clientSoftwareName: 'x', clientSoftwareVersion: '1' },
          15_000,
        );
        expect(r.errorCode).toBe(0);
      }
      served++;
      peak = Math.max(peak, rssBytes(broker.child.pid!));
      await sleep(50);
    }
  } finally {
    good.close();
  }
  return { socket, growth: peak - before, served };
}

describe('a client that pipelines and never reads', () => {
  it(`keeps the broker's RSS growth under ${GROWTH_BOUND / MiB} MiB with 300 pipelined 1 MiB Fetches, then answers all in order`, async () => {
    const n = 300;
    const frames = Buffer.concat(
      Array.from({ length: n }, (_, i) =>
        encodeRequest(
          { apiKey: ApiKey.Fetch, apiVersion: 12, correlationId: i + 1, clientId: 'no-reader' },
          fetchBody(topic, 0n),
        ),
      ),
    );
    const { socket, growth, served } = await pipelineWithoutReading(frames);
    try {
      expect(served).toBeGreaterThan(0);
      expect(growth, `RSS grew by ${(growth / MiB).toFixed(0)} MiB`).toBeLessThan(GROWTH_BOUND);
      const { ids, bytes } = await readAnswers(socket, n, 120_000);
      expect(ids).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(bytes).toBeGreaterThan(n * (MiB / 2));
    } finally {
      socket.destroy();
    }
  }, 180_000);

  it(`keeps it under ${SMALL_GROWTH_BOUND / MiB} MiB with 100,000 pipelined ApiVersions, then answers all in order`, async () => {
    const n = 100_000;
    const frames = Buffer.concat(
      Array.from({ length: n }, (_, i) =>
        encodeRequest(
          { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: i + 1, clientId: 'no-reader' },
          { clientSoftwareName: 'x', clientSoftwareVersion: '1' },
        ),
      ),
    );
    // The well-behaved client asks for small answers too: its 1 MiB Fetches leave garbage that a
    // loaded machine collects late, tens of MiB of RSS that are not the abuser's (seen in CI).
    const { socket, growth, served } = await pipelineWithoutReading(frames, 'api-versions');
    try {
      expect(served).toBeGreaterThan(0);
      expect(growth, `RSS grew by ${(growth / MiB).toFixed(0)} MiB`).toBeLessThan(SMALL_GROWTH_BOUND);
      const { ids } = await readAnswers(socket, n, 120_000);
      expect(ids.length).toBe(n);
      expect(ids.every((id, i) => id === i + 1)).toBe(true);
    } finally {
      socket.destroy();
    }
  }, 180_000);
});
