/**
 * Lifecycle of a real Kafka node beyond the happy path: restart on a kept data directory,
 * a start that fails (with the broker log in the error), and no process or directory left
 * behind when the Node process that started the broker is killed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaStartError, startKafkaNode } from '../../harness/kafka-dist/kafka-process.ts';
import { liveProcessGroups } from '../../harness/kafka-dist/process-group.ts';
import { LATEST_KAFKA_VERSION, resolveKafka, type KafkaDist } from '../../harness/kafka-dist/resolve-kafka.ts';
import { consumeValues, produceValues } from './kafka-clients.ts';
import { processRunning } from './process-state.ts';

let dist: KafkaDist;
let scratch: string;
beforeAll(async () => {
  dist = await resolveKafka(LATEST_KAFKA_VERSION);
  scratch = await mkdtemp(join(tmpdir(), 'kconform-lifecycle-'));
}, 600_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe(`Kafka ${LATEST_KAFKA_VERSION} node lifecycle`, () => {
  it('restarts on a kept data directory with the same address and data', async () => {
    const dataDir = join(scratch, 'kept');
    const first = await startKafkaNode({ version: LATEST_KAFKA_VERSION, dist, dataDir });
    const bootstrap = first.bootstrap;
    try {
      await produceValues(bootstrap, 'survives-restart', ['before-restart']);
    } finally {
      await first.stop();
    }
    expect(processRunning(first.pid)).toBe(false);
    expect((await readdir(dataDir)).sort()).toEqual(
      ['kafka-logs', 'kconform-node.json', 'server.log', 'server.properties'].sort(),
    );

    await using second = await startKafkaNode({ version: LATEST_KAFKA_VERSION, dist, dataDir });
    expect(second.bootstrap).toBe(bootstrap);
    expect(second.clusterId).toBe(first.clusterId);
    expect(await consumeValues(bootstrap, 'survives-restart', 1)).toEqual(['before-restart']);
  }, 300_000);

  it('fails with the broker log when the broker cannot bind, and leaves nothing behind', async () => {
    const blocker: Server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    // A private TMPDIR so the node's own temporary directory can be found afterwards.
    const tmp = await mkdtemp(join(scratch, 'tmp-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const err = await startKafkaNode({ version: LATEST_KAFKA_VERSION, dist, port, startTimeoutMs: 60_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KafkaStartError);
      const e = err as KafkaStartError;
      expect(e.message).toMatch(/exited with code \d+/);
      expect(e.firstErrors).toMatch(/failed to bind to 127\.0\.0\.1:\d+: Address already in use/);
      expect(e.message).toContain(e.firstErrors);
      expect(e.logTail.split('\n').length).toBe(40);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      blocker.close();
    }
    expect(liveProcessGroups()).toEqual([]);
    expect(await readdir(tmp)).toEqual([]);
  }, 180_000);

  it('kills the broker and removes its directory when the owning Node process is SIGKILLed', async () => {
    const script = join(scratch, 'owner.ts');
    const moduleUrl = new URL('../../harness/kafka-dist/kafka-process.ts', import.meta.url).href;
    await writeFile(
      script,
      `import { startKafkaNode } from ${JSON.stringify(moduleUrl)};
const node = await startKafkaNode({ version: ${JSON.stringify(LATEST_KAFKA_VERSION)}, stopGraceMs: 3000 });
console.log(JSON.stringify({ pid: node.pid, dataDir: node.dataDir }));
setInterval(() => {}, 1000);
`,
    );
    const owner = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const started = await new Promise<{ pid: number; dataDir: string }>((resolve, reject) => {
      let out = '';
      owner.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
      });
      owner.on('exit', (code) => reject(new Error(`owner exited early with ${code}`)));
    });
    expect(processRunning(started.pid)).toBe(true);
    owner.kill('SIGKILL');
    expect(await eventually(() => !processRunning(started.pid), 15_000)).toBe(true);
    expect(
      await eventually(
        () =>
          stat(started.dataDir).then(
            () => false,
            () => true,
          ),
        15_000,
      ),
    ).toBe(true);
  }, 180_000);
});
