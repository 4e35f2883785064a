import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunConfig, readRunConfig, readStoredOutcome, type KnownNames } from './run-config.ts';

const known: KnownNames = { scenarios: ['seed', 'idempotence'], bugs: ['drop-acked-write'] };
const good = {
  scenario: 'seed',
  target: 'kafka@4.4.0',
  brokers: 3,
  seed: 5,
  records: 200,
  faults: ['kill'],
  bugs: [],
  kconform: '0.1.0',
};
const scratch = mkdtempSync(join(tmpdir(), 'kconform-run-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseRunConfig', () => {
  it('reads what runScenario writes', () => {
    expect(parseRunConfig(good, known)).toEqual({
      scenario: 'seed',
      target: 'kafka@4.4.0',
      spec: { kind: 'kafka', version: '4.4.0', zookeeper: false },
      brokers: 3,
      seed: 5,
      records: 200,
      faults: ['kill'],
      bugs: [],
    });
  });

  it('gives fields older runs left out the values those runs used, and ignores extra ones', () => {
    expect(
      parseRunConfig(
        {
          scenario: 'seed',
          target: 'reference',
          seed: 1,
          records: 3,
          bugs: ['drop-acked-write'],
          check: { acks: 'all' },
        },
        known,
      ),
    ).toMatchObject({ brokers: 1, faults: [], bugs: ['drop-acked-write'] });
  });

  it('reads the node-control commands an external run stored, templates as given', () => {
    const stored = {
      kill: 'docker kill b%i',
      start: 'docker start b%i',
      readyTimeoutMs: 90_000,
      commandTimeoutMs: 60_000,
    };
    expect(
      parseRunConfig({ ...good, target: 'external@127.0.0.1:9092', nodeControl: stored }, known).nodeControl,
    ).toEqual({
      commands: { kill: 'docker kill b%i', start: 'docker start b%i' },
      readyTimeoutMs: 90_000,
      commandTimeoutMs: 60_000,
    });
    expect(parseRunConfig(good, known).nodeControl).toBeUndefined();
  });

  it.each([
    [[], 'expected a JSON object'],
    [{ ...good, scenario: undefined }, "'scenario' is missing"],
    [{ ...good, scenario: 'nosuch' }, "unknown scenario 'nosuch'"],
    [{ ...good, target: 'kafka@latest' }, "'target': bad target"],
    [{ ...good, seed: '5' }, "'seed' must be"],
    [{ ...good, seed: 1.5 }, "'seed' must be"],
    [{ ...good, records: -1 }, "'records' must be"],
    [{ ...good, brokers: 0 }, "'brokers' must be"],
    [{ ...good, faults: 'kill' }, "'faults' must be a list"],
    [{ ...good, faults: ['meteor'] }, "unknown fault 'meteor'"],
    [{ ...good, bugs: ['nosuch'] }, "unknown bug 'nosuch'"],
    [{ ...good, bugs: ['drop-acked-write'] }, 'only in the reference target'],
    [{ ...good, nodeControl: { kill: 'x' } }, "'nodeControl' exists only for external@ targets"],
    [{ ...good, target: 'external@h:1', nodeControl: 'kill=x' }, "'nodeControl' must be a JSON object"],
    [{ ...good, target: 'external@h:1', nodeControl: { explode: 'x' } }, "'nodeControl': unknown key 'explode'"],
    [{ ...good, target: 'external@h:1', nodeControl: { kill: '' } }, "'nodeControl': the 'kill' command is empty"],
  ])('rejects %j: %s', (raw, message) => {
    expect(() => parseRunConfig(raw, known)).toThrow(message);
  });
});

describe('readRunConfig and readStoredOutcome', () => {
  it('name the file in every error', () => {
    const dir = join(scratch, 'bad');
    expect(() => readRunConfig(dir, known)).toThrow(`cannot read ${join(dir, 'config.json')}: no such file`);
    const bad = mkdtempSync(join(scratch, 'r-'));
    writeFileSync(join(bad, 'config.json'), '{"scenario":');
    expect(() => readRunConfig(bad, known)).toThrow(`${join(bad, 'config.json')} is not JSON`);
    writeFileSync(join(bad, 'config.json'), '{"scenario":"seed"}');
    expect(() => readRunConfig(bad, known)).toThrow(
      `${join(bad, 'config.json')} is not a kconform run config: 'target' is missing`,
    );
  });

  it('read a results.json, say when there is none, and why one is unusable', () => {
    const dir = mkdtempSync(join(scratch, 'r-'));
    expect(readStoredOutcome(dir)).toBeUndefined();
    writeFileSync(
      join(dir, 'results.json'),
      JSON.stringify({
        schema: 'kconform.results/v1',
        valid: false,
        checks: [{ checker: 'lost-write', valid: false, summary: 's' }],
      }),
    );
    expect(readStoredOutcome(dir)).toEqual({
      valid: false,
      checks: [{ checker: 'lost-write', valid: false, summary: 's' }],
      error: undefined,
    });
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ schema: 'other' }));
    expect(readStoredOutcome(dir)).toContain('unknown schema "other"');
    writeFileSync(join(dir, 'results.json'), '{');
    expect(readStoredOutcome(dir)).toContain('results.json');
  });
});
