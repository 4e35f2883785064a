/** `kconform --help` and each command's help: an example, the exit codes, the scenarios, the faults, the defaults as users write them. */
import { describe, expect, it } from 'vitest';
import { FAULT_FAMILIES } from '../../harness/nemesis/fault-schedule.ts';
import { ALL_SCENARIOS } from '../../scenarios/index.ts';
import { kconform, kconformMain } from '../helpers/kconform-cli.ts';

const COMMANDS = [
  'broker',
  'run',
  'console-producer',
  'console-consumer',
  'image build',
  'compare',
  'replay',
  'check',
  'report',
  'load',
  'gateway',
  'conform',
  'certify',
];

describe('kconform --help', () => {
  it('lists ./kconform test and the exit codes', async () => {
    const r = await kconform(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('./kconform test');
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 1 anomaly.*2 bad usage.*3 target unavailable/);
  });

  it.each(COMMANDS)('%s --help shows an example of the command and the exit codes', async (command) => {
    const r = await kconform([...command.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Examples?:\\n(  .*\\n)*  (echo .* \\| )?kconform ${command} `));
    expect(r.stdout).toContain('Exit codes: 0 ok');
  });

  it.each(['run', 'compare'])('%s --help names every scenario and every fault --faults accepts', async (command) => {
    const r = await kconform([command, '--help']);
    for (const s of ALL_SCENARIOS) expect(r.stdout).toMatch(new RegExp(`^  ${s.name} `, 'm'));
    const faults = r.stdout.replace(/\s+/g, ' ');
    expect(faults).toContain(`--faults <list> faults to inject, comma-separated: ${FAULT_FAMILIES.join(', ')}`);
  });

  it.each(['load', 'gateway'])(
    '%s --help gives the --acks default as users write it (all), not -1',
    async (command) => {
      const r = await kconform([command, '--help']);
      const flat = r.stdout.replace(/\s+/g, ' ');
      expect(flat).toMatch(/--acks <acks> [^(]*0, 1 or all \(default: all\)/);
      expect(r.stdout).not.toContain('default: -1');
    },
  );
});

describe('output into a pipe that closes early', () => {
  it('kconform run --help | head -1: the help stops quietly, no EPIPE stack trace', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" "${kconformMain}" run --help | head -1`],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toBe('Usage: kconform run [options]\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
