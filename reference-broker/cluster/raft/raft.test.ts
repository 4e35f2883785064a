import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NotLeaderError, RaftNode } from './raft-node.ts';
import { SimCluster } from './sim-cluster.ts';

const clusters: SimCluster[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of clusters.splice(0)) c.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cluster(size: number, seed = 1, baseDir?: string): SimCluster {
  const c = new SimCluster({ size, seed, baseDir });
  clusters.push(c);
  return c;
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kconform-raft-'));
  dirs.push(d);
  return d;
}

/** Lets promise callbacks (propose results) run after the fake clock moved synchronously. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function committedData(c: SimCluster, id: number): unknown[] {
  return c.applied.get(id)!.map((a) => a.data);
}

describe('raft', () => {
  it('elects one leader, which commits its no-op before it reports ready', () => {
    const c = cluster(3);
    const leader = c.waitForLeader();
    expect(leader).toBeDefined();
    expect(c.leaders()).toHaveLength(1);
    c.advance(200);
    for (const id of c.ids) {
      expect(c.nodes.get(id)!.leaderId).toBe(leader!.id);
      expect(committedData(c, id)).toEqual([{ type: 'noop' }]);
    }
    expect(c.violations).toEqual([]);
  });

  it('a single voter leads by itself', async () => {
    const c = cluster(1);
    const leader = c.waitForLeader();
    expect(leader?.id).toBe(1);
    const index = leader!.propose({ n: 1 });
    c.advance(0);
    expect(await index).toBe(2);
  });

  it('commits on a majority and never on a minority', async () => {
    const c = cluster(5, 7);
    const leader = c.waitForLeader()!;
    const others = c.ids.filter((i) => i !== leader.id);
    // leader + one follower: a minority of 5
    c.network.partition([[leader.id, others[0]!]]);
    let outcome: unknown = 'pending';
    leader.propose({ x: 'minority' }).then(
      (i) => (outcome = i),
      (e: unknown) => (outcome = e),
    );
    c.advance(100);
    await flush();
    expect(outcome).toBe('pending');
    expect(leader.commitIndex).toBeLessThan(leader.lastIndex);
    // check-quorum: the cut-off leader resigns, and its proposal fails rather than hang
    c.advance(1000);
    await flush();
    expect(leader.isLeader).toBe(false);
    expect(outcome).toBeInstanceOf(NotLeaderError);
    for (const id of c.ids) expect(committedData(c, id)).not.toContainEqual({ x: 'minority' });
    // the majority side elected its own leader and commits
    const majorityLeader = [...c.nodes.values()].find((n) => n.isReady && others.includes(n.id))!;
    expect(majorityLeader).toBeDefined();
    const p = majorityLeader.propose({ x: 'majority' });
    c.advance(100);
    expect(await p).toBeGreaterThan(0);
    expect(c.violations).toEqual([]);
  });

  it("overwrites a partitioned old leader's uncommitted entries after the heal", async () => {
    const c = cluster(3, 3);
    const old = c.waitForLeader()!;
    c.network.isolate(old.id);
    const lost = old.propose({ x: 'uncommitted' });
    lost.catch(() => {});
    c.advance(5);
    expect(old.entry(old.lastIndex)?.data).toEqual({ x: 'uncommitted' });
    c.advance(2000);
    const fresh = [...c.nodes.values()].find((n) => n.isReady && n.id !== old.id)!;
    expect(fresh).toBeDefined();
    const kept = fresh.propose({ x: 'committed' });
    c.advance(100);
    await kept;
    c.network.heal();
    c.advance(1000);
    await flush();
    await expect(lost).rejects.toBeInstanceOf(NotLeaderError);
    expect(committedData(c, old.id)).toContainEqual({ x: 'committed' });
    expect(committedData(c, old.id)).not.toContainEqual({ x: 'uncommitted' });
    for (let i = 1; i <= fresh.lastIndex; i++) expect(old.entry(i)).toEqual(fresh.entry(i));
    expect(c.violations).toEqual([]);
  });

  it('PreVote: a node that was cut off does not bump the term or disturb the leader when it returns', () => {
    const c = cluster(3, 5);
    const leader = c.waitForLeader()!;
    const term = leader.term;
    const loner = c.ids.find((i) => i !== leader.id)!;
    c.network.isolate(loner);
    c.advance(10_000); // many election timeouts
    expect(c.nodes.get(loner)!.term).toBe(term);
    c.network.heal();
    c.advance(1000);
    expect(leader.isReady).toBe(true);
    expect(leader.term).toBe(term);
    expect(c.nodes.get(loner)!.leaderId).toBe(leader.id);
    expect(c.violations).toEqual([]);
  });

  it('never loses committed entries across restarts (directory storage)', async () => {
    const dir = tempDir();
    const c = cluster(3, 11, dir);
    let leader = c.waitForLeader()!;
    const values: number[] = [];
    for (let n = 0; n < 5; n++) {
      const p = leader.propose({ n });
      c.advance(30);
      await p;
      values.push(n);
    }
    // every node crashes and comes back: each replays its committed prefix from disk before hearing a leader
    for (const id of c.ids) c.crash(id);
    for (const id of c.ids) {
      const node = c.start(id);
      expect(node.lastApplied).toBeGreaterThan(0);
    }
    leader = c.waitForLeader()!;
    const p = leader.propose({ n: 5 });
    c.advance(100);
    await p;
    values.push(5);
    c.advance(200);
    for (const id of c.ids) {
      const seen = committedData(c, id)
        .filter((d) => typeof (d as { n?: number }).n === 'number')
        .map((d) => (d as { n: number }).n);
      expect(seen).toEqual(values);
    }
    expect(c.violations).toEqual([]);
  });

  it('reopens a directory whose last log line was torn by a crash', async () => {
    const { appendFileSync, readFileSync } = await import('node:fs');
    const dir = tempDir();
    const send = () => {};
    const first = new RaftNode({ id: 1, voters: [{ id: 1 }], dir, transport: { send } });
    first.start();
    await first.propose({ a: 1 });
    first.close();
    appendFileSync(join(dir, 'raft-log.jsonl'), '{"term":1,"index":3,"da');
    const second = new RaftNode({ id: 1, voters: [{ id: 1 }], dir, transport: { send } });
    expect(second.lastIndex).toBe(2);
    expect(readFileSync(join(dir, 'raft-log.jsonl'), 'utf8').endsWith('\n')).toBe(true);
    const applied: unknown[] = [];
    second.on('commit', (d) => applied.push(d));
    second.start();
    expect(applied).toEqual([{ type: 'noop' }, { a: 1 }, { type: 'noop' }]);
    expect(await second.propose({ a: 2 })).toBe(4);
    second.close();
  });

  it('rejects proposals on a follower with the leader hint', async () => {
    const c = cluster(3, 2);
    const leader = c.waitForLeader()!;
    c.advance(100);
    const follower = [...c.nodes.values()].find((n) => !n.isLeader)!;
    const err = await follower.propose({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotLeaderError);
    expect((err as NotLeaderError).leaderId).toBe(leader.id);
  });
});
