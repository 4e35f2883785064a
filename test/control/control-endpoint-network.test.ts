/**
 * Partitions through the control endpoint: `kconform broker --brokers 3 --control-port N
 * --network` runs each node in its own network namespace (root), and `POST /partition` isolates
 * the leader of a replicated partition; the majority elects a new leader, and after `POST /heal`
 * the endpoint waits until the partition is fully replicated again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKconform } from '../helpers/kconform-cli.ts';
import { createTopic, patientKafka } from '../targets/fault-checks.ts';
import { netnsSkipReason } from '../netns/lab-support.ts';

const skip = netnsSkipReason();
// Made when the suite runs: a skipped file runs no hooks, so a directory made at load would stay behind.
let scratch = '';

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe.skipIf(skip)('the control endpoint with --network', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kconform-control-net-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('partitions the leader away from the other nodes, a new leader is elected, heal restores full replication', async () => {
    await using cli = startKconform([
      'broker',
      '--brokers',
      '3',
      '--control-port',
      '0',
      '--network',
      '--broker-session-timeout-ms',
      '2000',
      '--replica-lag-time-max-ms',
      '2000',
      '--data-dir',
      join(scratch, 'c'),
    ]);
    const url = (await cli.waitFor(/kconform control endpoint on (http:\S+)/, 90_000))[1]!;
    const bootstrap = (await cli.waitFor(/kconform cluster ready on (\S+)/, 90_000))[1]!;
    await createTopic(patientKafka(bootstrap), {
      topic: 'split',
      replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }],
    });
    expect((await call(url, 'POST', '/wait-replicated', { timeoutMs: 60_000 })).status).toBe(200);
    const before = (await call(url, 'GET', '/partitions')).json.partitions.find((p: any) => p.topic === 'split');
    const others = [1, 2, 3].filter((id) => id !== before.leader);
    const cut = await call(url, 'POST', '/partition', { groups: [[before.leader], others] });
    expect(cut.status, JSON.stringify(cut.json)).toBe(200);
    let now = before;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
      now = (await call(url, 'GET', '/partitions')).json.partitions.find((p: any) => p.topic === 'split');
      if (others.includes(now.leader)) break;
    }
    expect(others).toContain(now.leader);
    expect(now.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    expect((await call(url, 'POST', '/heal')).status).toBe(200);
    const healed = await call(url, 'POST', '/wait-replicated', { timeoutMs: 60_000 });
    expect(healed.status, JSON.stringify(healed.json)).toBe(200);
    expect(healed.json.partitions.find((p: any) => p.topic === 'split').isr.sort()).toEqual([1, 2, 3]);
  }, 240_000);
});
