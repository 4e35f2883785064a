/**
 * A lab never outlives its process: killed by SIGKILL (the guard), interrupted by SIGINT (the
 * cleanup registry), ended by an uncaught error or process.exit (the exit hook) — each time
 * the namespaces, the host link, the firewall rules and the processes started inside are gone.
 * And `cleanupStale` removes what a dead run left while keeping a live run's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { cleanupStale } from '../../harness/netns/lab-cleanup.ts';
import { processRunning } from '../kafka-dist/process-state.ts';
import { labLeftovers, netnsSkipReason } from './lab-support.ts';

const skip = netnsSkipReason();
const CHILD = fileURLToPath(new URL('./fixtures/lab-child.ts', import.meta.url));

interface ChildLab {
  child: ChildProcess;
  lab: { prefix: string; hostLink: string; subnet: string; sleeperPid: number };
  exited: Promise<number | string>;
}

async function startChild(mode: string): Promise<ChildLab> {
  const child = spawn(process.execPath, [CHILD, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? '?')),
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const lab = await new Promise<ChildLab['lab']>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(JSON.parse(line));
    });
    void exited.then((how) => reject(new Error(`child exited (${how}) before its lab was ready: ${err}`)));
  });
  return { child, lab, exited };
}

/** Polls until nothing of the lab is left and its sleeper is gone; returns what is still there after `timeoutMs`. */
async function waitUntilGone(lab: ChildLab['lab'], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = [...labLeftovers(lab), ...(processRunning(lab.sleeperPid) ? [`process ${lab.sleeperPid}`] : [])];
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(100);
  }
}

describe.skipIf(skip)('network lab cleanup', () => {
  it('SIGKILL: the guard process removes the lab and the process inside dies', async () => {
    const { child, lab, exited } = await startChild('wait');
    expect(labLeftovers(lab).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await waitUntilGone(lab, 15_000)).toEqual([]);
  }, 40_000);

  it('SIGINT: the process ends and the lab is gone (cleanup registry, else the guard)', async () => {
    const { child, lab, exited } = await startChild('wait');
    child.kill('SIGINT');
    // 130: the cleanup registry destroyed the lab and exited. 'SIGINT': process-group's own
    // hook re-raised the signal first (it does once the registry's one-shot listener has run),
    // and the guard removed the lab after the process died.
    expect([130, 'SIGINT']).toContain(await exited);
    expect(await waitUntilGone(lab, 15_000)).toEqual([]);
  }, 40_000);

  it.each(['throw', 'exit'])(
    '%s: the exit hook removes the lab before the process is gone',
    async (mode) => {
      const { lab, exited } = await startChild(mode);
      expect(await exited).toBe(mode === 'throw' ? 1 : 0);
      // The exit hook is synchronous: the namespaces are gone by the time the process is.
      expect(labLeftovers(lab)).toEqual([]);
      expect(await waitUntilGone(lab, 15_000)).toEqual([]);
    },
    40_000,
  );

  it('cleanupStale removes namespaces and links of dead owners only', async () => {
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('exit', resolve));
    const live = spawn('sleep', ['60'], { stdio: 'ignore' });
    const d = dead.pid!;
    const l = live.pid!;
    const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
    const deadLab = { prefix: `kcf-${d}-0`, hostLink: `kcf${d}-0`, subnet: '10.213.254.0/24' };
    const liveLab = { prefix: `kcf-${l}-0`, hostLink: `kcf${l}-0`, subnet: '10.213.254.0/24' };
    try {
      ip('netns', 'add', `${deadLab.prefix}-hub`);
      ip('netns', 'add', `${deadLab.prefix}-1`);
      // As a killed run leaves it: the host's veth end, its peer in the hub namespace.
      ip('link', 'add', deadLab.hostLink, 'type', 'veth', 'peer', 'name', 'host', 'netns', `${deadLab.prefix}-hub`);
      ip('netns', 'add', `${liveLab.prefix}-1`);
      ip('netns', 'add', 'kcftest-not-ours');
      await cleanupStale();
      // Another suite's lab start may have removed them first: what matters is that they are gone.
      expect(labLeftovers(deadLab)).toEqual([]);
      expect(labLeftovers(liveLab)).toEqual([`namespace ${liveLab.prefix}-1`]);
      expect(ip('netns', 'list')).toContain('kcftest-not-ours');
    } finally {
      live.kill('SIGKILL');
      await new Promise((resolve) => live.once('exit', resolve));
      await cleanupStale();
      execFileSync('ip', ['netns', 'del', 'kcftest-not-ours'], { stdio: 'ignore' });
      for (const ns of [`${deadLab.prefix}-hub`, `${deadLab.prefix}-1`, `${liveLab.prefix}-1`]) {
        try {
          execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
        } catch {
          // Already removed, as it should be.
        }
      }
    }
    expect(labLeftovers(liveLab)).toEqual([]);
  }, 20_000);
});
