/**
 * A run stopped from outside (a shrink try over its budget) on the reference target: the scenario
 * is stuck waiting with a consumer running, the signal aborts, and runScenario settles at once
 * with RunAbortedError — target stopped, clients disconnected, no port and no process left.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { pendingCleanups } from '../../harness/cleanup/cleanup-registry.ts';
import { RunAbortedError, runScenario } from '../../app/runner/run-scenario.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { scratchDir } from '../scenarios/scenario-runs.ts';

const scratch = scratchDir('aborted-run');
afterAll(() => scratch.remove());

/**
 * Broker processes among this process's children (the reference broker run as processes is one
 * per node). Only brokers: each process group also has a small `sh` guard (harness/kafka-dist/
 * process-group.ts) that ends on its own once its group is gone, a moment after the stop.
 */
function children(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after the ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has ended (it only waits to be reaped): it holds no port and runs nothing.
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('broker')) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** Resolves true when something accepts connections at host:port. */
function listening(hostPort: string): Promise<boolean> {
  const i = hostPort.lastIndexOf(':');
  return new Promise((resolve) => {
    const s = connect({ host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Produces, starts a consumer that reads for ever, says so, and then waits for what never comes. */
function stuckScenario(ready: (bootstraps: string[]) => void, disconnected: () => void): Scenario {
  return {
    name: 'stuck',
    description: 'test only: waits for ever with a consumer running',
    async run(ctx) {
      const topic = ctx.topicName('stuck');
      const admin = ctx.kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const producer = ctx.kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ value: 'x' }] });
      const consumer = ctx.kafka.consumer({ groupId: `stuck-${ctx.runId}`, maxWaitTimeInMs: 200 });
      await consumer.connect();
      consumer.on(consumer.events.DISCONNECT, disconnected);
      await consumer.subscribe({ topic, fromBeginning: true });
      let got!: () => void;
      const first = new Promise<void>((resolve) => (got = resolve));
      void consumer.run({ eachMessage: async () => got() });
      await first;
      ready([...ctx.target.nodes.map((n) => n.bootstrap)]);
      // like a scenario waiting for records a broken broker dropped
      await new Promise(() => {});
    },
  };
}

async function abortWhileStuck(
  faults: 'none' | 'pause',
): Promise<{ error: unknown; bootstraps: string[]; childrenWhileRunning: number[]; consumerDisconnected: boolean }> {
  let consumerDisconnected = false;
  const before = children();
  const cleanupsBefore = pendingCleanups();
  const controller = new AbortController();
  let bootstraps: string[] = [];
  let childrenWhileRunning: number[] = [];
  const run = runScenario({
    spec: { kind: 'reference' },
    targetName: 'reference',
    scenario: stuckScenario(
      (b) => {
        bootstraps = b;
        childrenWhileRunning = children().filter((p) => !before.includes(p));
        controller.abort(new Error('the shrink budget is spent'));
      },
      () => (consumerDisconnected = true),
    ),
    seed: 1,
    records: 1,
    runDir: `${scratch.dir}/${faults}`,
    // Faults make the reference target run as child processes (pause needs a process to stop).
    faults: faults === 'pause' ? ['pause'] : [],
    // one fault far in the future: the run is stopped before it, the target must still go
    schedule:
      faults === 'pause'
        ? [{ family: 'pause', role: 'random', fallbackNode: 1, split: false, waitMs: 600_000, holdMs: 100 }]
        : undefined,
    progress: () => {},
    signal: controller.signal,
  });
  const error = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(pendingCleanups()).toBe(cleanupsBefore);
  return { error, bootstraps, childrenWhileRunning, consumerDisconnected };
}

describe('an aborted run on the reference target', () => {
  it('in process: rejects as stopped, and its port is closed', async () => {
    const r = await abortWhileStuck('none');
    expect(r.error).toBeInstanceOf(RunAbortedError);
    expect((r.error as Error).message).toBe('run stopped: the shrink budget is spent');
    expect(r.bootstraps).toHaveLength(1);
    // the scenario never disconnects its consumer: the runner did
    expect(r.consumerDisconnected).toBe(true);
    for (const b of r.bootstraps) expect(await listening(b)).toBe(false);
  }, 60_000);

  it('as child processes: no broker process and no port is left behind', async () => {
    const r = await abortWhileStuck('pause');
    expect(r.error).toBeInstanceOf(RunAbortedError);
    // the broker node ran as a child process (node running the reference broker)
    expect(r.childrenWhileRunning.length).toBeGreaterThan(0);
    const left = children().filter((p) => r.childrenWhileRunning.includes(p));
    expect(left).toEqual([]);
    expect(r.consumerDisconnected).toBe(true);
    for (const b of r.bootstraps) expect(await listening(b)).toBe(false);
  }, 90_000);
});
