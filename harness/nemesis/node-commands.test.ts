import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  nodeCommand,
  nodeControlFromJson,
  nodeControlToJson,
  parseNodeControl,
  runNodeCommand,
} from './node-commands.ts';
import { externalFaultProblem, processFaultsOf } from './external-faults.ts';

const dir = mkdtempSync(join(tmpdir(), 'kconform-node-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--node-control', () => {
  it('parses ACTION=COMMAND pairs; a comma starts a pair only before a known action', () => {
    const c = parseNodeControl(
      "kill=docker kill b%i,start=docker start b%i,pause=sh -c 'a,b',resume=docker unpause b%i",
    );
    expect(c.commands).toEqual({
      kill: 'docker kill b%i',
      start: 'docker start b%i',
      pause: "sh -c 'a,b'",
      resume: 'docker unpause b%i',
    });
    expect(c.readyTimeoutMs).toBe(60_000);
  });

  it('reads a JSON file given as @FILE, camelCase timeouts included', () => {
    const file = join(dir, 'nodes.json');
    writeFileSync(file, JSON.stringify({ kill: 'k %i', start: 's %i', readyTimeoutMs: 5000 }));
    const c = parseNodeControl(`@${file}`);
    expect(c.commands).toEqual({ kill: 'k %i', start: 's %i' });
    expect(c.readyTimeoutMs).toBe(5000);
  });

  it('refuses unknown keys, empty commands, missing and non-JSON files with one line', () => {
    expect(() => parseNodeControl('explode=x')).toThrow(
      /unknown key 'explode'; known: kill, start, stop, pause, resume/,
    );
    expect(() => parseNodeControl('kill=')).toThrow(/the 'kill' command is empty/);
    expect(() => parseNodeControl('docker kill')).toThrow(/is not ACTION=COMMAND/);
    expect(() => parseNodeControl(`@${join(dir, 'missing.json')}`)).toThrow(/cannot read .*missing.json: ENOENT/);
    writeFileSync(join(dir, 'bad.json'), 'kill=x');
    expect(() => parseNodeControl(`@${join(dir, 'bad.json')}`)).toThrow(/is not JSON/);
  });

  it('stores as the @FILE JSON form and reads back the same commands (what config.json keeps for replay)', () => {
    const c = parseNodeControl("kill=kill -9 $(cat /run/b%i.pid),start=sh -c 'a,b' %i,ready-timeout-ms=5000");
    const json = nodeControlToJson(c);
    expect(json).toEqual({
      kill: 'kill -9 $(cat /run/b%i.pid)',
      start: "sh -c 'a,b' %i",
      readyTimeoutMs: 5000,
      commandTimeoutMs: 60_000,
    });
    expect(nodeControlFromJson(JSON.parse(JSON.stringify(json)), 'x')).toEqual(c);
  });

  it('substitutes %i with the node id and %% with %', () => {
    expect(nodeCommand('docker kill b%i && echo 100%%', 3)).toBe('docker kill b3 && echo 100%');
  });

  it('runs a command with sh for the node and reports a failing one with its stderr', async () => {
    const out = join(dir, 'ran');
    await runNodeCommand(parseNodeControl(`kill=echo killed %i > ${out}`), 'kill', 2);
    expect(readFileSync(out, 'utf8')).toBe('killed 2\n');
    await expect(
      runNodeCommand(parseNodeControl('kill=echo no such container b%i >&2; exit 4'), 'kill', 7),
    ).rejects.toThrow(
      'node-control kill for node 7 (echo no such container b7 >&2; exit 4) exited with code 4: no such container b7',
    );
  });

  it('offers process faults only where both commands of a fault are given', () => {
    expect(processFaultsOf(undefined)).toEqual([]);
    expect(processFaultsOf(parseNodeControl('kill=a'))).toEqual([]);
    expect(processFaultsOf(parseNodeControl('kill=a,start=b,pause=c,resume=d'))).toEqual(['kill', 'restart', 'pause']);
    expect(externalFaultProblem(['delay', 'blackhole', 'drop-response', 'cut-client'], undefined)).toBeUndefined();
    expect(externalFaultProblem(['kill'], undefined)).toMatch(
      /^fault 'kill' cannot be done on an external target: it needs --node-control kill=…,start=…/,
    );
    expect(externalFaultProblem(['kill'], parseNodeControl('kill=a,start=b'))).toBeUndefined();
    expect(externalFaultProblem(['partition'], parseNodeControl('kill=a,start=b'))).toMatch(
      /replicate to each other directly/,
    );
  });
});
