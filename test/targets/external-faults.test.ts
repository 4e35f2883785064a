/**
 * Faults on brokers kconform did not start (`run --target external@HOST:PORT`):
 * - the proxy's network faults against an external single reference broker;
 * - process faults on an external 3-node reference cluster through `--node-control` commands
 *   that act on the nodes' real pids (`kill -9 PID`, read from the cluster's control endpoint),
 *   and a start command; the run ends healed (every node running again);
 * - a fault that cannot be done is exit 2 with one line.
 * Every fault must appear in the history as a nemesis op that completed ok.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startKconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-external-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The nemesis ops of a stored history that completed ok, as their fault names. */
function nemesisOk(runDir: string): string[] {
  return readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((op) => op.process === 'nemesis' && op.type === 'ok')
    .map((op) => op.value.fault as string);
}

describe('run --target external@… --faults', () => {
  it('refuses a fault it cannot do, in one line, exit 2', async () => {
    await using cli = startKconform([
      'run',
      '--target',
      'external@127.0.0.1:1',
      '--faults',
      'pause',
      '--out',
      join(scratch, 'refused'),
    ]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      "kconform: fault 'pause' cannot be done on an external target: it needs --node-control pause=…,resume=…; without commands an external target offers delay, blackhole, drop-response, cut-client\n",
    );
  });

  it('compare refuses a fault an external target cannot do, in one line, exit 2, before any target starts', async () => {
    await using cli = startKconform([
      'compare',
      '--targets',
      'reference,external@127.0.0.1:1',
      '--faults',
      'delay,kill',
      '--scenarios',
      'seed',
      '--out',
      join(scratch, 'compare-refused'),
    ]);
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toBe(
      "kconform: fault 'kill' cannot be done on an external target: it needs --node-control kill=…,start=…; without commands an external target offers delay, blackhole, drop-response, cut-client\n",
    );
  });

  it('compare and replay take --node-control only with an external target', async () => {
    await using cli = startKconform([
      'compare',
      '--targets',
      'reference,reference',
      '--node-control',
      'kill=true',
      '--out',
      join(scratch, 'compare-nc'),
    ]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toBe(
      'kconform: --node-control is for external@HOST:PORT targets (kconform controls the processes of the targets it starts)\n',
    );
    const stored = join(scratch, 'reference-run');
    mkdirSync(stored);
    writeFileSync(
      join(stored, 'config.json'),
      JSON.stringify({ scenario: 'seed', target: 'reference', seed: 1, records: 10 }),
    );
    await using replay = startKconform([
      'replay',
      stored,
      '--node-control',
      'kill=true',
      '--out',
      join(scratch, 'reference-replay'),
    ]);
    expect(await replay.exited).toBe(2);
    expect(replay.stderr()).toBe(
      'kconform: --node-control is for external@HOST:PORT targets (kconform controls the processes of the targets it starts)\n',
    );
  });

  it('puts the proxy in front of an external single broker: delay, blackhole, drop-response and cut-client are applied, recorded and healed', async () => {
    await using broker = startKconform(['broker', '--port', '0']);
    const at = (await broker.waitFor(/kconform broker ready on (\S+)/))[1]!;
    const out = join(scratch, 'proxy');
    await using run = startKconform([
      'run',
      '--target',
      `external@${at}`,
      '--faults',
      'delay,blackhole,drop-response,cut-client',
      '--scenarios',
      'seed',
      '--records',
      '1500',
      '--seed',
      '3',
      '--out',
      out,
    ]);
    const code = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(0);
    // clients went through the proxy, not straight to the broker
    const via = run.stdout().match(/ready at (\S+)/)![1]!;
    expect(via).not.toBe(at);
    const ops = nemesisOk(out);
    expect(
      ops.filter((f) => ['delay', 'blackhole', 'drop-responses', 'cut-client'].includes(f)).length,
      ops.join(','),
    ).toBeGreaterThanOrEqual(2);
    expect(ops.at(-1)).toBe('heal-all');
  }, 180_000);

  it('the transactional scenarios ride through client cuts: no crash, no early stop, the late-EndTxn scenario keeps to its own fault', async () => {
    await using broker = startKconform(['broker', '--port', '0']);
    const at = (await broker.waitFor(/kconform broker ready on (\S+)/))[1]!;
    const out = join(scratch, 'txn-cuts');
    await using run = startKconform([
      'run',
      '--target',
      `external@${at}`,
      '--faults',
      'cut-client',
      '--scenarios',
      'txn-atomicity,txn-fencing,txn-late-endtxn',
      '--records',
      '200',
      '--seed',
      '1',
      '--out',
      out,
    ]);
    const code = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stdout()).not.toContain('stopped early');
    expect(run.stdout()).toContain(
      'txn-late-endtxn: its own fault only (the late EndTxn); --faults cut-client not applied',
    );
    expect(run.stdout().match(/^txn-\S+ on external@\S+ \(seed 1, [\d.]+ s\): PASS$/gm)).toHaveLength(3);
    // the cuts did happen under the transactional producers and readers
    expect(nemesisOk(join(out, 'txn-atomicity-0')).filter((f) => f === 'cut-client').length).toBeGreaterThan(0);
    expect(nemesisOk(join(out, 'txn-late-endtxn-0'))).not.toContain('cut-client');
  }, 180_000);

  it('kills and pauses nodes of an external 3-node cluster with the commands given, and ends healed', async () => {
    await using cluster = startKconform([
      'broker',
      '--brokers',
      '3',
      '--port',
      '0',
      '--control-port',
      '0',
      '--broker-session-timeout-ms',
      '2000',
      '--replica-lag-time-max-ms',
      '2000',
      '--data-dir',
      join(scratch, 'cluster'),
    ]);
    const url = (await cluster.waitFor(/kconform control endpoint on (http:\S+)/, 90_000))[1]!;
    const first = (await cluster.waitFor(/kconform cluster ready on ([^,\s]+)/, 90_000))[1]!;
    // The owner's commands act on the real processes: the pid comes from the cluster, the signal from kill(1).
    const pid = `$(curl -sf ${url}/nodes/%i | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')`;
    const file = join(scratch, 'node-control.json');
    writeFileSync(
      file,
      JSON.stringify({
        kill: `kill -9 ${pid}`,
        start: `curl -sf -X POST ${url}/nodes/%i/restart > /dev/null`,
        pause: `kill -STOP ${pid}`,
        resume: `kill -CONT ${pid}`,
        readyTimeoutMs: 60_000,
      }),
    );
    const out = join(scratch, 'kill');
    await using run = startKconform([
      'run',
      '--target',
      `external@${first}`,
      '--faults',
      'kill,pause',
      '--scenarios',
      'seed',
      '--records',
      '1500',
      '--seed',
      '5',
      '--node-control',
      `@${file}`,
      '--out',
      out,
    ]);
    const code = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(0);
    const ops = nemesisOk(out);
    // seed 5 draws a kill first (1.1 s in), well inside the scenario
    expect(ops, ops.join(',')).toContain('kill');
    expect(ops, ops.join(',')).toContain('restart');
    expect(ops.at(-1)).toBe('heal-all');
    // the cluster saw a real death of a real process (kill -9 from outside)
    await cluster.waitFor(/node \d \(pid \d+\) died: signal SIGKILL/, 5_000);
    // and the run left every node running
    const nodes = (await (await fetch(`${url}/nodes`)).json()) as { nodes: { id: number; state: string }[] };
    expect(nodes.nodes.map((n) => n.state)).toEqual(['running', 'running', 'running']);

    // config.json keeps the commands as given, so `replay` does the same process faults without --node-control
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.nodeControl).toEqual({
      kill: `kill -9 ${pid}`,
      start: `curl -sf -X POST ${url}/nodes/%i/restart > /dev/null`,
      pause: `kill -STOP ${pid}`,
      resume: `kill -CONT ${pid}`,
      readyTimeoutMs: 60_000,
      commandTimeoutMs: 60_000,
    });
    const again = join(scratch, 'kill-replay');
    await using replay = startKconform(['replay', out, '--out', again]);
    expect(await replay.exited, replay.stdout() + replay.stderr()).toBe(0);
    expect(replay.stdout()).toContain(
      'process faults through the node-control commands config.json stores: kill, start, pause, resume',
    );
    // the same seed draws the same schedule; the scenario's end may cut either run's schedule short, so one is a prefix of the other
    const replayed = nemesisOk(again);
    expect(replayed, replayed.join(',')).toContain('kill');
    expect(replayed, replayed.join(',')).toContain('restart');
    const [a, b] = [ops.filter((f) => f !== 'heal-all'), replayed.filter((f) => f !== 'heal-all')];
    const n = Math.min(a.length, b.length);
    expect(b.slice(0, n), `replay ${b} vs original ${a}`).toEqual(a.slice(0, n));
    const after = (await (await fetch(`${url}/nodes`)).json()) as { nodes: { id: number; state: string }[] };
    expect(after.nodes.map((n) => n.state)).toEqual(['running', 'running', 'running']);

    // a config.json from before the commands were stored: replay refuses rather than leave the kills out
    const old = join(scratch, 'kill-old');
    mkdirSync(old);
    const { nodeControl: _, ...withoutCommands } = config;
    writeFileSync(join(old, 'config.json'), JSON.stringify(withoutCommands));
    await using refused = startKconform(['replay', old, '--out', join(scratch, 'kill-old-replay')]);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toBe(
      `kconform: ${join(old, 'config.json')}: fault 'kill' cannot be done on an external target: it needs --node-control kill=…,start=…; without commands an external target offers delay, blackhole, drop-response, cut-client\n`,
    );
    // …and with --node-control on the replay (commands for this machine) it does the faults
    const given = join(scratch, 'kill-old-given');
    await using overridden = startKconform(['replay', old, '--node-control', `@${file}`, '--out', given]);
    expect(await overridden.exited, overridden.stdout() + overridden.stderr()).toBe(0);
    expect(overridden.stdout()).toContain(
      'process faults through the --node-control commands: kill, start, pause, resume',
    );
    expect(nemesisOk(given)).toContain('kill');
    expect(JSON.parse(readFileSync(join(given, 'config.json'), 'utf8')).nodeControl).toEqual(config.nodeControl);
  }, 360_000);
});
