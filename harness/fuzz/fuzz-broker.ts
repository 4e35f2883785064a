import { connect, type Socket } from 'node:net';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { splitHostPort } from '../../protocol/client/host-port.ts';
import { createTopicBody, listOffsetsBody, produceBody } from '../drivers/request-bodies.ts';
import { buildRecordBatch } from '../../protocol/records/batch-builder.ts';
import { decodeRequest } from '../../protocol/messages/frames.ts';
import { fuzzCorpus } from './frame-corpus.ts';
import { frameMutator, type MutationKind } from './frame-mutator.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/** Settings of a fuzz run against one broker. */
export interface FuzzOptions {
  bootstrap: string;
  frames: number;
  seed: number;
  /** Connections sending frames at once. */
  connections?: number;
  /** How long a frame may go unanswered before it counts as a hang. */
  answerTimeoutMs?: number;
  /** A well-behaved client checks the broker every this many frames. */
  healthEvery?: number;
  onProgress?: (sent: number, report: FuzzReport) => void;
  /**
   * Whether the broker process still runs (checked with every health check); when it returns
   * false the run stops and counts a crash. Default: judged by health checks alone.
   */
  isAlive?: () => boolean;
}

/** What a fuzz run saw. */
export interface FuzzReport {
  sent: number;
  answered: number;
  closedByBroker: number;
  /** Frames neither answered nor closed within the timeout, for which the protocol promises an answer: hangs. */
  unanswered: number;
  /**
   * Frames the protocol lets go unanswered that long: a request that needs no answer yet
   * (Produce acks=0, a long-poll Fetch, a JoinGroup/SyncGroup waiting on its group), or a size
   * prefix claiming more bytes than were sent (the broker rightly waits for the rest).
   */
  silentByProtocol: number;
  /** The broker process died (see `isAlive`). */
  crashes: number;
  slowestAnswerMs: number;
  healthChecks: number;
  healthFailures: string[];
  /** The first few frames counted as hangs (kind and bytes in hex), to reproduce them. */
  hangSamples: { kind: MutationKind; hex: string }[];
  byKind: Partial<Record<MutationKind, number>>;
}

/** True when `frame` (size prefix included) is a request that may rightly get no answer within `timeoutMs`. */
export function silenceAllowed(frame: Buffer, timeoutMs: number): boolean {
  try {
    const { header, body } = decodeRequest<Record<string, unknown>>(frame.subarray(4), { trailingBytes: 'ignore' });
    switch (header.requestApiKey) {
      case 0:
        return body.acks === 0;
      case 1:
        return (body.maxWaitMs as number) >= timeoutMs;
      case 11:
      case 14:
        return true;
      default:
        return false;
    }
  } catch {
    return false;
  }
}

const TOPIC_ALREADY_EXISTS = 36;

/** A well-behaved client: create-or-find the topic, produce one record, read it back. */
async function healthCheck(bootstrap: string, topic: string, n: number): Promise<void> {
  const c = await RawClient.connect(bootstrap, 'fuzz-health', 2000);
  try {
    // Negotiated, so any broker under fuzz is asked what it serves; the tops are the versions always sent here.
    const created = await c.send(ApiKey.CreateTopics, createTopicBody(topic), {
      versions: { max: 7 },
      timeoutMs: 2000,
    });
    const createError = created.topics[0]?.errorCode;
    if (createError !== 0 && createError !== TOPIC_ALREADY_EXISTS)
      throw new Error(`create topic answered error ${createError}`);
    const value = `health-${n}`;
    const p = await c.send(ApiKey.Produce, produceBody(topic, buildRecordBatch([{ value }]), { timeoutMs: 1000 }), {
      versions: { max: 9 },
      timeoutMs: 2000,
    });
    const part = p.responses[0]?.partitionResponses[0];
    if (part?.errorCode !== 0) throw new Error(`produce answered error ${part?.errorCode}`);
    const f = await c.send(ApiKey.ListOffsets, listOffsetsBody(topic, -1n), { versions: { max: 7 }, timeoutMs: 2000 });
    const end = f.topics[0]?.partitions[0]?.offset ?? -1n;
    if (end <= part.baseOffset) throw new Error(`log end ${end} not past acknowledged offset ${part.baseOffset}`);
  } finally {
    c.close();
  }
}

/** Sends one frame on `socket` and waits for a response, a close, or the timeout. */
export function sendOne(
  socket: Socket,
  bytes: Buffer,
  timeoutMs: number,
): Promise<{ outcome: 'answered' | 'closed' | 'unanswered'; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (outcome: 'answered' | 'closed' | 'unanswered') => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve({ outcome, ms: performance.now() - t0 });
    };
    let got = 0;
    let need = -1;
    const onData = (chunk: Buffer) => {
      if (need < 0 && chunk.length >= 4) need = chunk.readInt32BE(0) + 4;
      got += chunk.length;
      if (need >= 0 && got >= need) done('answered');
    };
    const onClose = () => done('closed');
    const timer = setTimeout(() => done('unanswered'), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(bytes);
  });
}

/**
 * Sends bytes whose size prefix does not match them, then hangs up: a broker may rightly wait
 * for the rest of such a frame, but must close the connection once the client closed its side.
 * Resolves 'closed' when it did within `timeoutMs`, else 'unanswered' (a connection leaked).
 */
export function sendAndHangUp(
  socket: Socket,
  bytes: Buffer,
  timeoutMs: number,
): Promise<{ outcome: 'closed' | 'unanswered'; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ outcome: 'unanswered', ms: performance.now() - t0 }), timeoutMs);
    socket.on('data', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ outcome: 'closed', ms: performance.now() - t0 });
    });
    socket.end(bytes);
  });
}

/** A raw connection to `bootstrap`. */
export function open(bootstrap: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(splitHostPort(bootstrap));
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/**
 * Sends `frames` random and mutated frames to a broker over several connections (reconnecting
 * whenever the broker closes one, as it should for a malformed request), while a well-behaved
 * client checks every `healthEvery` frames that the broker still serves and still has what it
 * acknowledged. A frame that gets neither an answer nor a close in time is counted as a hang.
 */
export async function fuzzBroker(o: FuzzOptions): Promise<FuzzReport> {
  const topic = `fuzz-${o.seed}`;
  const timeoutMs = o.answerTimeoutMs ?? 2000;
  const healthEvery = o.healthEvery ?? 1000;
  await healthCheck(o.bootstrap, topic, 0);
  const next = frameMutator(fuzzCorpus(topic), o.seed);
  const report: FuzzReport = {
    sent: 0,
    answered: 0,
    closedByBroker: 0,
    unanswered: 0,
    silentByProtocol: 0,
    crashes: 0,
    slowestAnswerMs: 0,
    healthChecks: 1,
    healthFailures: [],
    hangSamples: [],
    byKind: {},
  };
  const hang = (kind: MutationKind, bytes: Buffer) => {
    report.unanswered++;
    if (report.hangSamples.length < 5) report.hangSamples.push({ kind, hex: bytes.toString('hex') });
  };
  let stopped = false;
  let nextHealth = healthEvery;
  const worker = async () => {
    let socket = await open(o.bootstrap);
    while (report.sent < o.frames && !stopped) {
      const frame = next();
      report.sent++;
      report.byKind[frame.kind] = (report.byKind[frame.kind] ?? 0) + 1;
      let fresh: boolean;
      if (frame.misframed) {
        const h = await sendAndHangUp(socket, frame.bytes, timeoutMs);
        if (h.outcome === 'closed') report.silentByProtocol++;
        else hang(frame.kind, frame.bytes);
        fresh = true;
      } else {
        const r = await sendOne(socket, frame.bytes, timeoutMs);
        if (r.outcome === 'answered') report.answered++;
        else if (r.outcome === 'closed') report.closedByBroker++;
        else if (silenceAllowed(frame.bytes, timeoutMs)) report.silentByProtocol++;
        else hang(frame.kind, frame.bytes);
        if (r.outcome !== 'unanswered') report.slowestAnswerMs = Math.max(report.slowestAnswerMs, r.ms);
        // A half-read or unanswered connection is useless: start clean.
        fresh = r.outcome !== 'answered';
      }
      if (fresh) {
        socket.destroy();
        if (o.isAlive && !o.isAlive()) {
          stopped = true;
          report.crashes++;
          report.healthFailures.push(`the broker process died after ${report.sent} frames`);
          break;
        }
        try {
          socket = await open(o.bootstrap);
        } catch (err) {
          // A broker that no longer accepts connections is down, whatever took it down.
          stopped = true;
          report.crashes++;
          report.healthFailures.push(
            `after ${report.sent} frames the broker refused a connection: ${(err as Error).message}`,
          );
          break;
        }
      }
      if (report.sent >= nextHealth) {
        nextHealth += healthEvery;
        report.healthChecks++;
        await healthCheck(o.bootstrap, topic, report.healthChecks).catch((err: Error) =>
          report.healthFailures.push(`after ${report.sent} frames: ${err.message}`),
        );
        o.onProgress?.(report.sent, report);
      }
    }
    socket.destroy();
  };
  await Promise.all(Array.from({ length: o.connections ?? 4 }, worker));
  if (stopped) return report;
  report.healthChecks++;
  await healthCheck(o.bootstrap, topic, report.healthChecks).catch((err: Error) =>
    report.healthFailures.push(`at the end: ${err.message}`),
  );
  return report;
}
