/**
 * The reference broker as a child process under process faults: acknowledged writes survive a
 * kill -9 and a restart on the same port and data directory, pause/resume takes effect and
 * heals, and stopping leaves no process behind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessFaultControl } from '../../harness/nemesis/process-faults.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import {
  answersApiVersions,
  consumeUntilSeen,
  createTopic,
  patientKafka,
  processesMentioning,
  processRunning,
  produceAcknowledged,
} from './fault-checks.ts';

describe('reference broker as a process', () => {
  let scratch: string;
  let target: StartedReferenceProcesses;
  let faults: ProcessFaultControl;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'kconform-reference-process-test-'));
    const t0 = Date.now();
    target = await startReferenceProcesses({ brokers: 1, dataDir: join(scratch, 'cluster') });
    console.log(`[kconform] ${target.label} ready in ${Date.now() - t0} ms`);
    faults = new ProcessFaultControl(target);
  });
  afterAll(async () => {
    await target?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('keeps acknowledged records through kill -9 and a restart on the same port and data', async () => {
    const kafka = patientKafka(target.bootstrap);
    const topic = uniqueTopic('ref-kill');
    await createTopic(kafka, { topic, numPartitions: 1 });
    const acked = await produceAcknowledged(
      kafka,
      topic,
      Array.from({ length: 1_000 }, (_, i) => `v-${i}`),
    );
    expect(acked).toHaveLength(1_000);

    const bootstrap = target.bootstrap;
    const pid = target.nodes[0]!.pid!;
    await faults.kill(1);
    expect(processRunning(pid)).toBe(false);
    expect(await answersApiVersions(bootstrap, 1_000)).toBe(false);

    const t0 = Date.now();
    await faults.restart(1);
    console.log(`[kconform] reference node restart -> serving in ${Date.now() - t0} ms`);
    expect(target.bootstrap).toBe(bootstrap);
    expect(target.nodes[0]!.pid).not.toBe(pid);
    expect(await consumeUntilSeen(kafka, topic, acked, 30_000)).toEqual(acked);
  });

  it('pause stops it answering; resume makes it answer again', async () => {
    const { bootstrap } = target;
    await faults.pause(1);
    try {
      expect(await answersApiVersions(bootstrap, 1_000)).toBe(false);
    } finally {
      await faults.resume(1);
    }
    expect(await answersApiVersions(bootstrap, 3_000)).toBe(true);
  });

  it('a clean restart keeps data; stopping leaves no process', async () => {
    const kafka = patientKafka(target.bootstrap);
    const topic = uniqueTopic('ref-clean');
    await createTopic(kafka, { topic, numPartitions: 1 });
    const acked = await produceAcknowledged(kafka, topic, ['a', 'b', 'c']);
    await faults.cleanRestart(1);
    expect(await consumeUntilSeen(kafka, topic, acked, 30_000)).toEqual(acked);

    await faults.pause(1);
    const pid = target.nodes[0]!.pid!;
    expect(processesMentioning('node', target.dataDir)).toEqual([pid]);
    // A paused node is continued before its SIGTERM, so it still stops cleanly.
    await target.stop();
    expect(processRunning(pid)).toBe(false);
    expect(processesMentioning('node', target.dataDir)).toEqual([]);
  });
});
