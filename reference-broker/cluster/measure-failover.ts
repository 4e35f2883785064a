/**
 * Measures the control plane with Kafka's default timings on loopback (not a test):
 * three nodes start, a topic is created, the active controller's node is closed, and we time
 * the new controller, the fencing of the stopped node (broker.session.timeout.ms after the new
 * controller's fresh sessions) and the rejoin of the restarted node.
 *
 *   node_modules/.bin/node reference-broker/cluster/measure-failover.ts [rounds=3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../logger.ts';
import {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControllerVoter,
} from './control-plane.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Milliseconds until `check` holds (polled every 5 ms); gives up after two minutes. */
async function until(check: () => boolean): Promise<number> {
  const t0 = performance.now();
  while (!check()) {
    if (performance.now() - t0 > 120_000) throw new Error('condition not reached within 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - t0;
}

const rounds = Number(process.argv[2] ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('usage: measure-failover.ts [rounds >= 1]\n');
  process.exit(2);
}
const results: Record<string, number[]> = {
  'all unfenced': [],
  'create topic': [],
  'new controller': [],
  'old fenced': [],
  rejoined: [],
};
for (let round = 1; round <= rounds; round++) {
  const root = mkdtempSync(join(tmpdir(), 'kconform-measure-failover-'));
  const planes = new Map<number, ControlPlane>();
  try {
    const voters: ControllerVoter[] = [];
    for (const id of [1, 2, 3]) voters.push({ id, host: '127.0.0.1', port: await freePort() });
    const options = (id: number): ControlPlaneOptions => ({
      nodeId: id,
      voters,
      controllerHost: '127.0.0.1',
      controllerPort: voters[id - 1]!.port,
      dataDir: join(root, `node-${id}`),
      brokerEndpoint: { host: '127.0.0.1', port: 9000 + id },
      logger: silentLogger,
    });
    const all = () => [...planes.values()];
    const t0 = performance.now();
    for (const id of [1, 2, 3]) planes.set(id, await startControlPlane(options(id)));
    await until(() => all().every((p) => p.image.unfencedBrokers().length === 3));
    results['all unfenced']!.push(performance.now() - t0);
    const t1 = performance.now();
    const created = await planes.get(1)!.createTopic({ name: 't', numPartitions: 12, replicationFactor: 3 });
    if (!created.ok) throw new Error(`createTopic failed: ${created.message}`);
    results['create topic']!.push(performance.now() - t1);
    const old = planes.get(1)!.activeControllerId!;
    await planes.get(old)!.close();
    planes.delete(old);
    results['new controller']!.push(
      await until(
        () =>
          all().some((p) => p.isActiveController) &&
          all().every((p) => p.activeControllerId !== undefined && p.activeControllerId !== old),
      ),
    );
    // (measured from the kill)
    const fencedAfter = await until(() =>
      all().every(
        (p) => p.image.broker(old)?.fenced === true && p.image.topic('t')!.partitions.every((r) => r.leader !== old),
      ),
    );
    results['old fenced']!.push(results['new controller']!.at(-1)! + fencedAfter);
    const t3 = performance.now();
    const back = await startControlPlane(options(old));
    planes.set(old, back);
    await until(() => !back.isFenced);
    results.rejoined!.push(performance.now() - t3);
    process.stderr.write(`round ${round}/${rounds} done\n`);
  } finally {
    for (const p of planes.values()) await p.close();
    rmSync(root, { recursive: true, force: true });
  }
}
for (const [what, ms] of Object.entries(results))
  console.log(`${what.padEnd(16)} ${ms.map((x) => `${Math.round(x)} ms`).join(', ')}`);
