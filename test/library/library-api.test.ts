/**
 * The library's entry points from source, as a Node test calls them: bad input is refused with
 * one clear line, the in-process broker serves and refuses faults it cannot take, and a scenario
 * run's verdict is what checkHistory finds again on its stored history (as `kconform check`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHistory, KconformUsageError, runScenarios, startBroker, startTarget } from '../../app/library/index.ts';

const out = mkdtempSync(join(tmpdir(), 'kconform-library-api-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bad input', () => {
  it.each([
    ['a misspelt option', () => startBroker({ broker: 3 } as never), /unknown option\(s\) broker; known: brokers/],
    ['brokers out of range', () => startBroker({ brokers: 0 }), /brokers must be a whole number from 1 to 9, got 0/],
    [
      'an unknown bug',
      () => startBroker({ bugs: ['nope' as never] }),
      /unknown bug\(s\) nope; known bugs: drop-acked-write/,
    ],
    ['an unknown target kind', () => startTarget('kafak@4.4.0'), /unknown target 'kafak@4.4.0'/],
    [
      'an unknown scenario',
      () => runScenarios('reference', { scenarios: ['nope'] }),
      /unknown scenario\(s\) nope; available: seed/,
    ],
    ['an unknown fault', () => runScenarios('reference', { faults: ['explode' as never] }), /explode/],
    ['a history that is not ops', () => checkHistory([{ foo: 1 } as never]), /history op 0: /],
    ['a missing history file', () => checkHistory(join(out, 'none.jsonl')), /no such file/],
  ])('%s is refused with a KconformUsageError', async (_what, call, message) => {
    const err = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KconformUsageError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('the in-process broker', () => {
  it('serves a kafkajs producer, lists itself, refuses faults, and closes', async () => {
    const broker = await startBroker();
    try {
      const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      const [ack] = await producer.send({ topic: 'lib-api', messages: [{ value: 'x' }] });
      await producer.disconnect();
      expect(ack?.baseOffset).toBe('0');
      const { nodes } = await broker.control.nodes();
      expect(nodes.map((n) => [n.id, n.bootstrap, n.state, n.leaderOf.includes('lib-api-0')])).toEqual([
        [1, broker.bootstrap, 'running', true],
      ]);
      expect(await broker.control.leaderOf('lib-api')).toBe(1);
      await expect(broker.control.kill(1)).rejects.toThrow(/startBroker\(\{ processes: true \}\)/);
    } finally {
      await broker.close();
    }
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
    await expect(kafka.admin().connect()).rejects.toThrow();
  });
});

describe('runScenarios and checkHistory', () => {
  it('give the same verdicts: a run on the reference broker, then its stored history checked again', async () => {
    const verdict = await runScenarios('reference', { scenarios: ['seed'], records: 50, seed: 7, out });
    expect(verdict.valid).toBe(true);
    expect(verdict.runs.map((r) => [r.scenario, r.seed, r.valid])).toEqual([['seed', 7, true]]);
    const again = await checkHistory(join(verdict.runs[0]!.runDir, 'history.jsonl'));
    expect(again.valid).toBe(true);
    expect(again.checks.length).toBeGreaterThan(5);
    expect(again.checks.map((c) => [c.checker, c.valid])).toEqual(
      verdict.runs[0]!.checks.filter((c) => again.checks.some((a) => a.checker === c.checker)).map((c) => [
        c.checker,
        c.valid,
      ]),
    );
  });

  it('catches a known bug switched on in the reference broker', async () => {
    const verdict = await runScenarios('reference', {
      scenarios: ['seed'],
      records: 50,
      seed: 7,
      bugs: ['drop-acked-write'],
      out: join(out, 'buggy'),
    });
    expect(verdict.valid).toBe(false);
    const again = await checkHistory(join(verdict.runs[0]!.runDir, 'history.jsonl'));
    expect(again.checks.find((c) => c.checker === 'lost-write')?.valid).toBe(false);
  });
});
