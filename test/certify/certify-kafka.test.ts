/**
 * `kconform certify --target kafka@4.4.0` at a tiny size: Kafka compared with itself (the
 * default --against for a kafka@ target) must score 100% — every part runs (scenarios plain and
 * under a pause, the conform matrix on a few APIs, one client, every admin tool step) and no row
 * fails, differs or is unsupported. A row that did is a false alarm of kconform's, not of Kafka's.
 * Starts Kafka about ten times (each scenario run, conform's two sides, the client matrix, the
 * admin tools' two sides): about 10 minutes here, so it runs with KCONFORM_LONG=1. Pause, not
 * kill: a single Kafka node killed and restarted on this loaded machine takes longer than the
 * scenarios' clients wait (seed's producer never got the mmr message out, every check UNKNOWN).
 * By default a slice runs (one scenario without faults, one API: three Kafka starts), so every CI run still
 * holds Kafka to 100% against itself.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/kafka-version.ts';
import { ADMIN_TOOL_STEPS } from '../../harness/kafka-dist/admin-tools.ts';
import { validateCard } from '../../reports/card/card-model.ts';
import { kconform } from '../helpers/kconform-cli.ts';

// Made when the suite runs: a skipped file runs no hooks, so a directory made at load would stay behind.
let scratch = '';

describe(`kconform certify on kafka@${LATEST_KAFKA_VERSION} against itself, a slice`, () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-certify-kafka-slice-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores 100% on the seed scenario and DeleteRecords at every version both serve', async () => {
    const out = join(dir, 'kafka');
    const target = `kafka@${LATEST_KAFKA_VERSION}`;
    const r = await kconform(
      [
        'certify',
        '--target',
        target,
        '--parts',
        'scenarios,conform',
        '--scenarios',
        'seed',
        '--faults',
        'none',
        '--records',
        '20',
        '--seed',
        '5',
        '--apis',
        'DeleteRecords',
        '--cases',
        '1',
        '--out',
        out,
      ],
      { timeoutMs: 400_000, timeoutSignal: 'SIGINT' },
    );
    const card = validateCard(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')));
    expect(
      card.rows.filter((x) => x.status !== 'pass' && x.status !== 'not-run'),
      r.stdout,
    ).toEqual([]);
    expect(r.code, r.stderr).toBe(0);
    expect(card).toMatchObject({ target, against: target });
    expect(card.rows.filter((x) => x.part === 'scenario' && x.status === 'pass').length).toBeGreaterThan(0);
    expect(card.rows.find((x) => x.id === 'conform/DeleteRecords')?.status).toBe('pass');
    expect(card.overall.percent).toBe(100);
  }, 420_000);
});

// About 10 minutes here (every scenario run starts Kafka afresh): with KCONFORM_LONG=1.
describe.runIf(process.env.KCONFORM_LONG === '1')(
  `kconform certify on kafka@${LATEST_KAFKA_VERSION} against itself`,
  () => {
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'kconform-certify-kafka-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('scores 100%: every row that ran passes, in every area', async () => {
      const out = join(scratch, 'kafka');
      const target = `kafka@${LATEST_KAFKA_VERSION}`;
      const r = await kconform(
        [
          'certify',
          '--target',
          target,
          '--scenarios',
          'seed,consumer-groups,txn-atomicity',
          '--faults',
          'pause',
          '--records',
          '20',
          '--seed',
          '5',
          '--apis',
          'Produce,Fetch,ListOffsets,JoinGroup,CreateTopics',
          '--cases',
          '1',
          '--clients',
          'kafkajs',
          '--features',
          'acks=all,group',
          '--out',
          out,
        ],
        { timeoutMs: 1_500_000, timeoutSignal: 'SIGINT' },
      );
      const card = validateCard(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')));
      const bad = card.rows.filter((x) => x.status !== 'pass');
      expect(bad, r.stdout).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      expect(card).toMatchObject({ target, against: target });
      expect(card.overall.percent).toBe(100);
      // every part ran: 6 scenario rows, 5 APIs, 2 client cells, every admin step
      expect(card.rows.filter((x) => x.part === 'scenario')).toHaveLength(6);
      expect(
        card.rows
          .filter((x) => x.part === 'conform')
          .map((x) => x.id)
          .sort(),
      ).toEqual([
        'conform/CreateTopics',
        'conform/Fetch',
        'conform/JoinGroup',
        'conform/ListOffsets',
        'conform/Produce',
      ]);
      expect(card.rows.filter((x) => x.part === 'clients')).toHaveLength(2);
      expect(card.rows.filter((x) => x.part === 'admin')).toHaveLength(ADMIN_TOOL_STEPS.length);
      expect(card.areas.map((a) => a.area)).toEqual([
        'produce-fetch-offsets',
        'groups',
        'transactions',
        'admin',
        'clients',
        'durability',
      ]);
      for (const a of card.areas) expect(a.percent, a.area).toBe(100);
      expect(readFileSync(join(out, 'card.md'), 'utf8').split('\n')[0]).toContain('**100%');
    }, 1_560_000);
  },
);
