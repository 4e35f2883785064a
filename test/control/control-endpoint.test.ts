/**
 * The control endpoint of `kconform broker --brokers 3 --control-port N`, driven the way a test
 * in another language drives it: with curl, and with a Python script using nothing but urllib.
 * The leader of a replicated partition is killed through the endpoint, a new leader is reported,
 * the node is restarted and the endpoint waits until every partition is fully replicated again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKconform, type CliRun } from '../helpers/kconform-cli.ts';
import { createTopic, patientKafka, produceAcknowledged } from '../targets/fault-checks.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-control-'));
let cli: CliRun;
let url: string;
let bootstrap: string;
const TOPIC = 'control-t';

/** `curl -s -X METHOD URL [-d BODY]`: the HTTP status and the parsed JSON answer. */
function curl(method: string, path: string, body?: unknown): { status: number; json: any } {
  const args = ['-s', '-X', method, '-w', '\n%{http_code}', `${url}${path}`];
  if (body !== undefined) args.push('-H', 'content-type: application/json', '-d', JSON.stringify(body));
  const out = execFileSync('curl', args, { encoding: 'utf8', timeout: 120_000 }).trimEnd();
  const nl = out.lastIndexOf('\n');
  return { status: Number(out.slice(nl + 1)), json: JSON.parse(out.slice(0, nl)) };
}

// A client in another language: only the Python standard library.
const PYTHON_CLIENT = `
import json, sys, time, urllib.request, urllib.error
base, topic = sys.argv[1], sys.argv[2]
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
def leader():
    status, answer = call("GET", "/partitions")
    for p in answer["partitions"]:
        if p["topic"] == topic and p["partition"] == 0:
            return p["leader"]
    return -1
status, nodes = call("GET", "/nodes")
old = [n["id"] for n in nodes["nodes"] if topic + "-0" in n["leaderOf"]][0]
old_pid = [n["pid"] for n in nodes["nodes"] if n["id"] == old][0]
kill_status, after_kill = call("POST", "/nodes/%d/kill" % old)
killed = [n for n in after_kill["nodes"] if n["id"] == old][0]
deadline = time.time() + 60
new = leader()
while (new < 0 or new == old) and time.time() < deadline:
    time.sleep(0.1)
    new = leader()
restart_status, after_restart = call("POST", "/nodes/%d/restart" % old)
restarted = [n for n in after_restart["nodes"] if n["id"] == old][0]
wait_status, replicated = call("POST", "/wait-replicated", {"timeoutMs": 60000})
mine = [p for p in replicated.get("partitions", []) if p["topic"] == topic]
print(json.dumps({"old": old, "old_pid": old_pid, "kill_status": kill_status, "killed": killed, "new": new,
                  "restart_status": restart_status, "restarted": restarted, "wait_status": wait_status,
                  "replicated": replicated.get("replicated"), "isr": mine[0]["isr"] if mine else None}))
`;

beforeAll(async () => {
  cli = startKconform([
    'broker',
    '--brokers',
    '3',
    '--port',
    '0',
    '--control-port',
    '0',
    '--data-dir',
    join(scratch, 'cluster'),
    '--broker-session-timeout-ms',
    '2000',
    '--replica-lag-time-max-ms',
    '2000',
  ]);
  url = (await cli.waitFor(/kconform control endpoint on (http:\S+)/, 90_000))[1]!;
  bootstrap = (await cli.waitFor(/kconform cluster ready on (\S+)/, 90_000))[1]!;
  const kafka = patientKafka(bootstrap);
  await createTopic(kafka, { topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] });
  expect(await produceAcknowledged(kafka, TOPIC, ['a', 'b', 'c'])).toHaveLength(3);
}, 150_000);

afterAll(async () => {
  await cli?.[Symbol.asyncDispose]();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the control endpoint of a reference cluster', () => {
  it('lists the nodes with pid, port, state and roles (curl)', () => {
    expect(curl('POST', '/wait-replicated', { timeoutMs: 60_000 }).status).toBe(200);
    const { status, json } = curl('GET', '/nodes');
    expect(status).toBe(200);
    expect(json.nodes.map((n: any) => n.id)).toEqual([1, 2, 3]);
    for (const n of json.nodes) {
      expect(n).toMatchObject({ state: 'running', alive: true });
      expect(n.pid).toBeGreaterThan(0);
      expect(bootstrap.split(',')).toContain(`127.0.0.1:${n.port}`);
    }
    expect(json.nodes.filter((n: any) => n.controller).map((n: any) => n.id)).toEqual([json.controller]);
    expect(json.nodes.filter((n: any) => n.leaderOf.includes(`${TOPIC}-0`))).toHaveLength(1);
  });

  it('kills the leader, reports the new one, restarts it and waits for full replication (Python, urllib)', async () => {
    const out = execFileSync('python3', ['-c', PYTHON_CLIENT, url, TOPIC], { encoding: 'utf8', timeout: 240_000 });
    const r = JSON.parse(out);
    expect(r.kill_status).toBe(200);
    expect(r.killed).toMatchObject({ state: 'stopped', alive: false, pid: null });
    expect(r.new).toBeGreaterThan(0);
    expect(r.new).not.toBe(r.old);
    expect(r.restart_status).toBe(200);
    expect(r.restarted).toMatchObject({ state: 'running', alive: true });
    expect(r.restarted.pid).not.toBe(r.old_pid);
    expect(r).toMatchObject({ wait_status: 200, replicated: true });
    expect([...r.isr].sort()).toEqual([1, 2, 3]);
    // the supervisor logged the requested kill as such, not as a death (read once this test's event loop runs again)
    await cli.waitFor(
      new RegExp(`node ${r.old} \\(pid ${r.old_pid}\\) stopped \\(killed by a control request\\): signal SIGKILL`),
      10_000,
    );
    expect(cli.stderr()).not.toMatch(/died/);
  }, 240_000);

  it('pauses and resumes a node (curl)', () => {
    const paused = curl('POST', '/nodes/3/pause');
    expect(paused.status).toBe(200);
    expect(paused.json.nodes[2]).toMatchObject({ id: 3, state: 'paused', alive: false });
    const resumed = curl('POST', '/nodes/3/resume');
    expect(resumed.json.nodes[2]).toMatchObject({ id: 3, state: 'running' });
    expect(curl('POST', '/wait-replicated', { timeoutMs: 60_000 }).json.replicated).toBe(true);
  }, 150_000);

  it('moves a partition leader to another in-sync replica (curl)', () => {
    expect(curl('POST', '/wait-replicated', { timeoutMs: 60_000 }).status).toBe(200);
    const before = curl('GET', '/partitions').json.partitions.find((p: any) => p.topic === TOPIC);
    const moved = curl('POST', `/partitions/${TOPIC}/0/move-leader`, { timeoutMs: 60_000 });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    expect(moved.json.from).toBe(before.leader);
    expect(moved.json.to).not.toBe(before.leader);
    expect(moved.json.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    expect(curl('POST', '/wait-replicated', { timeoutMs: 60_000 }).status).toBe(200);
    expect(curl('GET', `/nodes/${moved.json.to}`).json.leaderOf).toContain(`${TOPIC}-0`);
  }, 150_000);

  it('answers bad requests with a status and a reason', () => {
    expect(curl('POST', '/nodes/9/kill')).toMatchObject({
      status: 404,
      json: { error: 'no node 9; nodes are 1, 2, 3' },
    });
    expect(curl('POST', '/partition', { groups: [[1], [2, 3]] })).toMatchObject({
      status: 409,
      json: { error: expect.stringMatching(/--network/) },
    });
    expect(curl('POST', '/wait-replicated', { timeoutMs: -1 }).status).toBe(400);
    expect(curl('GET', '/nope').status).toBe(404);
    expect(curl('POST', `/partitions/no-such-topic/0/move-leader`).status).toBe(404);
  });
});
