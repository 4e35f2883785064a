/**
 * `kconform certify` as a user runs it, at a tiny size:
 * - on the in-process reference broker: scenarios (plain and under a kill), the conform matrix on
 *   a few APIs against Kafka 4.4.0 and one client; the card's rows and scores are what the run
 *   found, card.json validates, card.md and report.html carry the card;
 * - on `external@` a `kconform broker --bug skip-offset` started here (the implementer's
 *   case): the seed scenario fails, exit 1; with an allowlist accepting it the row is
 *   "accepted", counts as a pass, exit 0, and an entry that matches nothing is reported stale.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCard, type Card } from '../../reports/card/card-model.ts';
import { spawnBroker, waitReady, type BrokerProcess } from '../helpers/broker-process.ts';
import { kconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-certify-'));
const brokers: BrokerProcess[] = [];
afterAll(async () => {
  await Promise.all(brokers.map((b) => b.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

const readCard = (dir: string): Card => validateCard(JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')));
const statusOf = (card: Card, id: string) => card.rows.find((r) => r.id === id)?.status;

describe('kconform certify', () => {
  it('on the reference broker: every part that ran has its rows, scored as found, in card.json, card.md and report.html', async () => {
    const out = join(scratch, 'reference');
    const r = await kconform(
      [
        'certify',
        '--target',
        'reference',
        '--scenarios',
        'seed,consumer-groups,txn-atomicity',
        '--faults',
        'kill',
        '--records',
        '20',
        '--seed',
        '11',
        '--parts',
        'scenarios,conform,clients',
        '--apis',
        'Produce,ListOffsets,JoinGroup,DescribeClientQuotas',
        '--cases',
        '1',
        '--clients',
        'kafkajs',
        '--features',
        'acks=all,gzip',
        '--out',
        out,
      ],
      { timeoutMs: 600_000, timeoutSignal: 'SIGINT' },
    );
    expect(existsSync(join(out, 'card.json')), `exit ${r.code}\n${r.stdout}\n${r.stderr}`).toBe(true);
    const card = readCard(out);
    // progress: each part as it starts and ends
    expect(r.stdout).toMatch(/\[1\/4\] scenarios: starting/);
    expect(r.stdout).toMatch(/\[1\/4\] scenarios: done in \d+ s: \d+ pass/);
    expect(r.stdout).toMatch(/\[2\/4\] conform matrix: starting/);
    expect(r.stdout).toMatch(/\[4\/4\] admin tools: not run \(left out by --parts\)/);

    // the scenarios: each plainly in its area, and again under the kill in durability. A plain run
    // on the reference broker passes; under a kill the row is what the run's results.json says (a
    // scenario that loses its connection at the wrong moment cannot decide: a fail on the card).
    for (const [id, area, dir] of [
      ['scenario/seed', 'produce-fetch-offsets', 'seed'],
      ['scenario/consumer-groups', 'groups', 'consumer-groups'],
      ['scenario/txn-atomicity', 'transactions', 'txn-atomicity'],
      ['scenario/seed+kill', 'durability', 'seed-under-kill'],
      ['scenario/consumer-groups+kill', 'durability', 'consumer-groups-under-kill'],
      ['scenario/txn-atomicity+kill', 'durability', 'txn-atomicity-under-kill'],
    ] as const) {
      const results = JSON.parse(readFileSync(join(out, 'scenarios', dir, 'results.json'), 'utf8')) as {
        valid: unknown;
      };
      if (area !== 'durability') expect(results.valid, id).toBe(true);
      expect(
        card.rows.find((x) => x.id === id),
        id,
      ).toMatchObject({
        area,
        status: results.valid === true ? 'pass' : 'fail',
        evidence: [`scenarios/${dir}`],
      });
    }
    // the conform rows are conform.json's verdicts, one per API
    const conform = JSON.parse(readFileSync(join(out, 'conform', 'conform.json'), 'utf8')) as {
      rows: { apiName: string; verdict: string; knownOnly?: boolean; unsupportedBy?: string }[];
    };
    for (const api of ['Produce', 'ListOffsets', 'JoinGroup']) {
      const cells = conform.rows.filter((c) => c.apiName === api && c.verdict !== 'unsupported');
      expect(cells.length, api).toBeGreaterThan(0);
      const differs = cells.some((c) => c.verdict === 'differs' && !c.knownOnly);
      expect(statusOf(card, `conform/${api}`), api).toBe(differs ? 'differs' : 'pass');
    }
    // quotas are not served by the reference broker (SKIPPED_FEATURES.md), Kafka serves them
    expect(statusOf(card, 'conform/DescribeClientQuotas')).toBe('not-supported');
    // the client cells
    expect(statusOf(card, 'clients/kafkajs/acks=all')).toBe('pass');
    expect(statusOf(card, 'clients/kafkajs/gzip')).toBe('pass');
    expect(card.rows.find((x) => x.id === 'admin')).toMatchObject({ status: 'not-run', reason: 'left out by --parts' });

    // the scores are the rows': overall and per area, not-run rows left out
    const counted = card.rows.filter((x) => x.status !== 'not-run');
    const passed = counted.filter((x) => x.status === 'pass' || x.status === 'accepted');
    expect(card.overall).toMatchObject({ counted: counted.length, passed: passed.length });
    const durable = card.rows.filter((x) => x.area === 'durability' && x.status === 'pass').length;
    expect(card.areas.find((a) => a.area === 'durability')).toMatchObject({ counted: 3, passed: durable });
    expect(card.areas.find((a) => a.area === 'clients')).toMatchObject({ counted: 2, passed: 2, percent: 100 });
    // exit 1 exactly when a row fails or differs
    expect(r.code, r.stderr).toBe(card.rows.some((x) => x.status === 'fail' || x.status === 'differs') ? 1 : 0);

    const md = readFileSync(join(out, 'card.md'), 'utf8');
    expect(md.split('\n')[0]).toContain(
      `**${card.overall.percent}% (${card.overall.passed}/${card.overall.counted})**`,
    );
    expect(md).toContain(
      `| seed under kill | ${statusOf(card, 'scenario/seed+kill') === 'pass' ? '✅ pass' : '❌ fail'} |`,
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="card">');
    expect(html).toContain('seed under kill');
  }, 660_000);

  it('on external@ a broker with a known bug: the failure fails the run; an allowlist accepts it with its reason and reports a stale entry', async () => {
    const broker = spawnBroker(['--port', '0', '--bug', 'skip-offset']);
    brokers.push(broker);
    const target = `external@${await waitReady(broker)}`;
    const args = (out: string) => [
      'certify',
      '--target',
      target,
      '--parts',
      'scenarios',
      '--scenarios',
      'seed',
      '--faults',
      'none',
      '--records',
      '200',
      '--seed',
      '3',
      '--out',
      out,
    ];
    const plain = await kconform(args(join(scratch, 'external')), { timeoutMs: 180_000, timeoutSignal: 'SIGINT' });
    expect(plain.code, plain.stdout + plain.stderr).toBe(1);
    expect(plain.stderr).toContain('scenario/seed');
    const failing = readCard(join(scratch, 'external'));
    expect(failing.rows.find((x) => x.id === 'scenario/seed')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('poll-skip'),
    });
    expect(failing.overall).toMatchObject({ passed: 0, counted: 1, percent: 0 });

    const allow = join(scratch, 'allow.yaml');
    writeFileSync(
      allow,
      [
        'allow:',
        '  - row: scenario/seed',
        '    reason: the broker under test skips offsets on purpose (skip-offset)',
        '  - row: conform/Produce',
        '    reason: an entry for a part that did not run',
      ].join('\n'),
    );
    const out = join(scratch, 'external-allowed');
    const allowed = await kconform([...args(out), '--allow', allow], { timeoutMs: 180_000, timeoutSignal: 'SIGINT' });
    expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
    const card = readCard(out);
    expect(card.rows.find((x) => x.id === 'scenario/seed')).toMatchObject({
      status: 'accepted',
      was: 'fail',
      reason: expect.stringContaining('on purpose'),
    });
    expect(card.overall).toMatchObject({ passed: 1, counted: 1, percent: 100 });
    expect(card.allowlist?.stale.map((s) => s.row)).toEqual(['conform/Produce']);
    expect(allowed.stdout).toContain('allowlist: stale entry conform/Produce');
    expect(readFileSync(join(out, 'card.md'), 'utf8')).toContain(
      '☑️ accepted: the broker under test skips offsets on purpose',
    );
  }, 400_000);

  it('exits 2 on a bad allowlist or --parts, 3 when the target cannot be reached', async () => {
    const bad = join(scratch, 'bad.yaml');
    writeFileSync(bad, 'allow:\n  - row: scenario/seed\n');
    const r1 = await kconform(['certify', '--allow', bad, '--out', join(scratch, 'bad1')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain("'reason' is required");
    const r2 = await kconform(['certify', '--parts', 'scenarios,nope', '--out', join(scratch, 'bad2')]);
    expect(r2.code).toBe(2);
    const r3 = await kconform(
      [
        'certify',
        '--target',
        'external@127.0.0.1:1',
        '--parts',
        'scenarios',
        '--scenarios',
        'seed',
        '--faults',
        'none',
        '--out',
        join(scratch, 'down'),
      ],
      { timeoutMs: 180_000 },
    );
    expect(r3.code, r3.stdout + r3.stderr).toBe(3);
  }, 200_000);
});
