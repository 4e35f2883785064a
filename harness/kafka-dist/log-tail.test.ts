import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstErrors, tailLines } from './log-tail.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kconform-logtail-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('log-tail', () => {
  it('returns the last lines, without the final newline', async () => {
    const file = join(dir, 'a.log');
    await writeFile(file, `${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n`);
    expect(await tailLines(file, 3)).toBe('line 97\nline 98\nline 99');
    expect(await tailLines(join(dir, 'missing.log'), 3)).toBe('');
  });

  it('finds the first errors with their exception line, skipping stack frames', async () => {
    const file = join(dir, 'b.log');
    await writeFile(
      file,
      [
        '[2026-01-01 00:00:00,000] INFO starting (kafka.Kafka$)',
        '[2026-01-01 00:00:01,000] ERROR Unable to start acceptor (kafka.network.DataPlaneAcceptor)',
        'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:1: Address already in use.',
        '\tat a.b.C(C.java:1)',
        '[2026-01-01 00:00:02,000] ERROR Exiting Kafka (kafka.Kafka$)',
        '[2026-01-01 00:00:03,000] ERROR third (x)',
      ].join('\n'),
    );
    expect(await firstErrors(file, 2)).toBe(
      '[2026-01-01 00:00:01,000] ERROR Unable to start acceptor (kafka.network.DataPlaneAcceptor)\n' +
        'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:1: Address already in use.\n' +
        '[2026-01-01 00:00:02,000] ERROR Exiting Kafka (kafka.Kafka$)',
    );
  });
});
