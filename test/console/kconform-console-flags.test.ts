/**
 * kconform's own console-producer and console-consumer, run as a user runs them (the `./kconform`
 * wrapper, separate processes) against reference broker processes: the source document's exact
 * commands (`--broker-list` as Kafka 2.7's producer took it), every Kafka console flag kconform
 * accepts, Kafka's usage checks, a clean stderr on success (no client library log lines), and a
 * consumer started before its topic exists, which waits for it as Kafka's does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeutralIO } from '../../app/clients/neutral-io.ts';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { fetchBody } from '../../harness/drivers/request-bodies.ts';
import { decodeRecordBatches, compressionOf } from '../../protocol/records/record-batch.ts';
import { MMR_MESSAGE } from '../../scenarios/seed.ts';
import { kconform as runKconform, startKconform } from '../helpers/kconform-cli.ts';
import { uniqueTopic } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-console-'));
const PROCESSED = (n: number) => `Processed a total of ${n} messages\n`;

let broker: StartedReferenceProcesses;
/** A broker that does not create topics on Metadata or Produce (auto.create.topics.enable=false). */
let strict: StartedReferenceProcesses;
let io: NeutralIO;

beforeAll(async () => {
  [broker, strict] = await Promise.all([
    startReferenceProcesses({ brokers: 1 }),
    startReferenceProcesses({ brokers: 1, extraArgs: ['--no-auto-create-topics'] }),
  ]);
  io = new NeutralIO(broker.bootstrap, 1);
}, 120_000);
afterAll(async () => {
  await Promise.all([broker?.stop(), strict?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** Starts `./kconform ARGS` in the scratch directory with `stdin` (then closed). */
const start = (args: string[], stdin = '') => startKconform(args, { cwd: scratch, stdin, wrapper: true });

/** Runs `./kconform ARGS` to the end in the scratch directory. */
const kconform = (args: string[], stdin = '', timeoutMs = 90_000) =>
  runKconform(args, { cwd: scratch, stdin, timeoutMs, wrapper: true });

async function until(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The record batches stored in partition 0 of `topic`: how many, and their codecs. */
async function batches(
  bootstrap: string,
  topic: string,
): Promise<{ count: number; codecs: string[]; records: number }> {
  const c = await RawClient.connect(bootstrap);
  try {
    const p = (await c.request(ApiKey.Fetch, 12, fetchBody(topic, 0n))).responses[0]!.partitions[0]!;
    const bs = decodeRecordBatches(p.records ?? Buffer.alloc(0));
    return {
      count: bs.length,
      codecs: [...new Set(bs.map((b) => compressionOf(b.attributes)))],
      records: bs.reduce((n, b) => n + b.records.length, 0),
    };
  } finally {
    c.close();
  }
}

describe("the source document's commands against a reference broker process", () => {
  it('console-producer --broker-list writes the mmr line; console-consumer --from-beginning prints it until interrupted; stderr clean', async () => {
    const hp = broker.bootstrap;
    const p = await kconform(['console-producer', '--broker-list', hp, '--topic', 'mmr'], `${MMR_MESSAGE}\n`);
    expect(p, p.stderr).toMatchObject({ code: 0, stderr: '' });
    // The document's consumer has no --max-messages: it runs until Ctrl-C.
    const c = start(['console-consumer', '--bootstrap-server', hp, '--topic', 'mmr', '--from-beginning']);
    await until(() => c.stdout().includes('\n'), 'the mmr line on stdout');
    c.child.kill('SIGINT');
    expect(await c.exited).toBe(0);
    expect(c.stdout()).toBe(`${MMR_MESSAGE}\n`);
    expect(c.stderr()).toBe(PROCESSED(1));
  }, 120_000);
});

describe('console-producer flags', () => {
  it('--sync sends each line alone: one batch per line', async () => {
    const topic = uniqueTopic('sync');
    await io.createTopic(topic, 1);
    const r = await kconform(
      ['console-producer', '--bootstrap-server', broker.bootstrap, '--topic', topic, '--sync'],
      'a\nb\nc\n',
    );
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(await batches(broker.bootstrap, topic)).toEqual({ count: 3, codecs: ['none'], records: 3 });
  }, 60_000);

  it('--compression-codec without a value is gzip, with one that codec; a compression.type property does not override it (as in Kafka)', async () => {
    const gz = uniqueTopic('gzip');
    const lz = uniqueTopic('lz4');
    const plain = uniqueTopic('plain');
    for (const t of [gz, lz, plain]) await io.createTopic(t, 1);
    const lines = 'x'.repeat(200) + '\n' + 'x'.repeat(200) + '\n';
    const a = await kconform(
      ['console-producer', '--bootstrap-server', broker.bootstrap, '--topic', gz, '--compression-codec'],
      lines,
    );
    const b = await kconform(
      ['console-producer', '--bootstrap-server', broker.bootstrap, '--topic', lz, '--compression-codec', 'lz4'],
      lines,
    );
    const c = await kconform(
      [
        'console-producer',
        '--bootstrap-server',
        broker.bootstrap,
        '--topic',
        plain,
        '--producer-property',
        'compression.type=zstd',
      ],
      lines,
    );
    for (const r of [a, b, c]) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect((await batches(broker.bootstrap, gz)).codecs).toEqual(['gzip']);
    expect((await batches(broker.bootstrap, lz)).codecs).toEqual(['lz4']);
    expect((await batches(broker.bootstrap, plain)).codecs).toEqual(['none']);
  }, 60_000);

  it('--producer.config and --producer-property (the flag wins), --request-required-acks, --property parse.key', async () => {
    const topic = uniqueTopic('props');
    await io.createTopic(topic, 1);
    const file = join(scratch, 'producer.properties');
    writeFileSync(file, '# a producer config\nacks=1\nclient.id=from-file\n');
    const r = await kconform(
      [
        'console-producer',
        '--bootstrap-server',
        broker.bootstrap,
        '--topic',
        topic,
        '--producer.config',
        file,
        '--producer-property',
        'acks=all',
        '--request-required-acks',
        '1',
        '--property',
        'parse.key=true',
        '--property',
        'key.separator=:',
      ],
      'k1:v1\nk2:v:2\n',
    );
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    const stored = await io.readAll(topic, 0, { atLeast: 2 });
    expect(stored.map((s) => [s.key, s.value])).toEqual([
      ['k1', 'v1'],
      ['k2', 'v:2'],
    ]);
  }, 60_000);

  it('refuses bad usage with one line and exit 2', async () => {
    const bad = async (args: string[], message: RegExp) => {
      const r = await kconform(['console-producer', ...args], 'x\n');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    };
    await bad(['--topic', 't'], /Missing required argument "\[bootstrap-server\]"/);
    await bad(['--broker-list', broker.bootstrap, '--topic', 't', '--compression-codec', 'brotli'], /compression.type/);
    await bad(['--broker-list', broker.bootstrap, '--topic', 't', '--request-required-acks', '2'], /acks/);
    await bad(
      ['--broker-list', broker.bootstrap, '--topic', 't', '--producer.config', join(scratch, 'missing.properties')],
      /cannot read properties file .*missing.properties: ENOENT/,
    );
  }, 60_000);
});

describe('console-consumer flags', () => {
  let topic: string;
  beforeAll(async () => {
    topic = uniqueTopic('two');
    await io.createTopic(topic, 2);
    await io.write(
      topic,
      0,
      [0, 1, 2].map((i) => ({ key: `k${i}`, value: `p0-${i}` })),
    );
    await io.write(
      topic,
      1,
      [0, 1, 2, 3].map((i) => ({ key: `k${i}`, value: `p1-${i}` })),
    );
  }, 60_000);
  const consume = (args: string[]) => kconform(['console-consumer', '--bootstrap-server', broker.bootstrap, ...args]);

  it('--partition with --offset N, earliest, and the default latest (with --timeout-ms ending the wait)', async () => {
    const n = await consume([
      '--topic',
      topic,
      '--partition',
      '1',
      '--offset',
      '2',
      '--max-messages',
      '2',
      '--property',
      'print.partition=true',
      '--property',
      'print.offset=true',
    ]);
    expect(n).toEqual({
      code: 0,
      stdout: 'Partition:1\tOffset:2\tp1-2\nPartition:1\tOffset:3\tp1-3\n',
      stderr: PROCESSED(2),
    });
    const e = await consume(['--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', '3']);
    expect(e).toEqual({ code: 0, stdout: 'p0-0\np0-1\np0-2\n', stderr: PROCESSED(3) });
    const l = await consume(['--topic', topic, '--partition', '0', '--timeout-ms', '1500']);
    expect(l).toEqual({ code: 0, stdout: '', stderr: PROCESSED(0) });
  }, 90_000);

  it('--consumer.config and --consumer-property name the group; the group commits and a second run resumes', async () => {
    const file = join(scratch, 'consumer.properties');
    const group = uniqueTopic('g');
    writeFileSync(file, `group.id=${group}\nauto.offset.reset=earliest\n`);
    const first = await consume([
      '--topic',
      topic,
      '--consumer.config',
      file,
      '--consumer-property',
      `group.id=${group}`,
      '--max-messages',
      '7',
      '--isolation-level',
      'read_committed',
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n').sort()).toEqual(['p0-0', 'p0-1', 'p0-2', 'p1-0', 'p1-1', 'p1-2', 'p1-3']);
    expect(first.stderr).toBe(PROCESSED(7));
    await io.write(topic, 0, [{ key: 'k3', value: 'p0-3' }]);
    const second = await consume(['--topic', topic, '--group', group, '--max-messages', '1']);
    expect(second).toEqual({ code: 0, stdout: 'p0-3\n', stderr: PROCESSED(1) });
  }, 90_000);

  it('--include subscribes to a pattern; --formatter NoOpMessageFormatter counts without printing', async () => {
    const inc = await consume([
      '--include',
      `${topic.replace(/[.-]/g, '.')}|nomatch`,
      '--from-beginning',
      '--max-messages',
      '8',
      '--property',
      'print.key=true',
    ]);
    expect(inc.code, inc.stderr).toBe(0);
    expect(inc.stdout.trim().split('\n')).toHaveLength(8);
    expect(inc.stdout).toContain('k3\tp0-3\n');
    const noop = await consume([
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      '8',
      '--formatter',
      'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
    ]);
    expect(noop).toEqual({ code: 0, stdout: '', stderr: PROCESSED(8) });
  }, 90_000);

  it("refuses what Kafka's ConsoleConsumerOptions refuses, with its message and exit 2", async () => {
    const bad = async (args: string[], message: string) => {
      const r = await consume(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    };
    await bad(['--topic', topic, '--offset', '1'], 'The partition is required when offset is specified.');
    await bad(
      ['--topic', topic, '--partition', '0', '--group', 'g'],
      'Options group and partition cannot be specified together.',
    );
    await bad(
      ['--topic', topic, '--partition', '0', '--offset', '1', '--from-beginning'],
      'Options from-beginning and offset cannot be specified together.',
    );
    await bad(['--topic', topic, '--partition', '0', '--offset', '-3'], "The provided offset value '-3' is incorrect.");
    await bad(['--topic', topic, '--include', 'x'], 'Exactly one of --include/--topic is required.');
    await bad(['--topic', topic, '--group', 'a', '--consumer-property', 'group.id=b'], "Detected group ids: 'a', 'b'");
    await bad(['--topic', topic, '--isolation-level', 'dirty'], 'isolation.level');
    await bad(
      ['--topic', topic, '--formatter', 'com.example.MyFormatter'],
      'formatter com.example.MyFormatter is not available',
    );
  }, 90_000);
});

describe('a consumer started before its topic exists', () => {
  it('waits on a broker that auto-creates topics, and gets the record produced after it started; stderr clean', async () => {
    const topic = uniqueTopic('later');
    const c = start([
      'console-consumer',
      '--bootstrap-server',
      broker.bootstrap,
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      '1',
    ]);
    const p = await kconform(
      ['console-producer', '--bootstrap-server', broker.bootstrap, '--topic', topic],
      'arrived later\n',
    );
    expect(p, p.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(await c.exited, c.stderr()).toBe(0);
    expect(c.stdout()).toBe('arrived later\n');
    expect(c.stderr()).toBe(PROCESSED(1));
  }, 90_000);

  it('waits on a broker that does not create topics until the topic is created, then reads it', async () => {
    const topic = uniqueTopic('created');
    const c = start([
      'console-consumer',
      '--bootstrap-server',
      strict.bootstrap,
      '--topic',
      topic,
      '--from-beginning',
      '--max-messages',
      '1',
      '--verbose',
    ]);
    // --verbose shows the client's log: the broker has said at least once that it does not know the topic.
    await until(
      () => c.stderr().includes('does not host this topic-partition') || c.child.exitCode !== null,
      'the consumer to be refused the unknown topic',
    );
    expect(c.child.exitCode).toBeNull();
    await new NeutralIO(strict.bootstrap, 1).createTopic(topic, 1);
    const p = await kconform(
      ['console-producer', '--bootstrap-server', strict.bootstrap, '--topic', topic],
      'now it exists\n',
    );
    expect(p, p.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(await c.exited, c.stderr()).toBe(0);
    expect(c.stdout()).toBe('now it exists\n');
  }, 90_000);

  it('gives up quietly after --timeout-ms, as Kafka does: exit 0, nothing processed', async () => {
    const r = await kconform([
      'console-consumer',
      '--bootstrap-server',
      strict.bootstrap,
      '--topic',
      uniqueTopic('never'),
      '--timeout-ms',
      '1500',
    ]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: PROCESSED(0) });
  }, 60_000);
});
