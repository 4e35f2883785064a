/**
 * `kconform certify`: runs every part of the conformance suite against one target — the
 * scenarios (plain, then under the faults the target allows), the conform matrix against real
 * Kafka, the client matrix and Kafka's admin tools — and turns what they found into the report
 * card (card.json, card.md, a section of report.html). Each part starts what it needs and stops
 * it; Ctrl-C stops it through the cleanup registry, as for `run`.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { registerCleanup } from '../../harness/cleanup/cleanup-registry.ts';
import { ADMIN_TOOL_STEPS, adminToolSession, type AdminToolStep } from '../../harness/kafka-dist/admin-tools.ts';
import type { FaultFamily } from '../../harness/nemesis/fault-schedule.ts';
import type { NodeCommands } from '../../harness/nemesis/node-commands.ts';
import { makeDirs } from '../../harness/output/make-dirs.ts';
import { startTarget, TargetUnavailableError, type StartedTarget } from '../../harness/targets/target.ts';
import type { TargetSpec } from '../../harness/targets/target-spec.ts';
import { applyAllowlist, type AllowEntry } from '../../reports/card/allowlist.ts';
import { buildCard, type Card, type CardRow, type Part } from '../../reports/card/card-model.ts';
import { renderCardMarkdown } from '../../reports/card/card-markdown.ts';
import type { Scenario } from '../../scenarios/index.ts';
import type { ClientDriver } from '../clients/client-driver.ts';
import { FEATURES, type Feature } from '../clients/features.ts';
import { DRIVERS, featuresOf, runMatrixOn } from '../clients/run-matrix.ts';
import { runConform } from '../conform/run-conform.ts';
import { runScenario } from '../runner/run-scenario.ts';
import { adminRows, clientRows, conformRows, scenarioRow, type AdminStepOutcome } from './card-rows.ts';

/** A target as written and parsed. */
export interface LabelledSpec {
  label: string;
  spec: TargetSpec;
}

/** What one certify run does. */
export interface CertifyOptions {
  target: LabelledSpec;
  brokers: number;
  /** The parts to run; the others get a not-run row with `skipped[part]` as the reason. */
  parts: ReadonlySet<Part>;
  skipped: Partial<Record<Part, string>>;
  scenarios: readonly Scenario[];
  /** Faults of the durability runs (empty: none). */
  faults: readonly FaultFamily[];
  records: number;
  seed: number;
  /** The Kafka the conform matrix and the admin tools compare with. */
  against: LabelledSpec;
  cases: number;
  apis?: ReadonlySet<number>;
  clients: readonly ClientDriver[];
  features: readonly Feature[];
  nodeControl?: NodeCommands;
  allowlist?: { file: string; entries: readonly AllowEntry[] };
  outDir: string;
  /** Options recorded on the card, to run it again. */
  recorded: Card['options'];
  progress: (line: string) => void;
}

/** The target could not be started or reached at all (the first scenario): `certify` exits 3. */
export class CertifyTargetError extends Error {
  readonly badSpec: boolean;
  constructor(message: string, badSpec = false) {
    super(message);
    this.name = 'CertifyTargetError';
    this.badSpec = badSpec;
  }
}

const PART_TITLES: Readonly<Record<Part, string>> = {
  scenario: 'scenarios',
  conform: 'conform matrix',
  clients: 'client matrix',
  admin: 'admin tools',
};

/**
 * Rows that say a part did not run. Left out by choice: one row for the part. Unavailable (Java,
 * Kafka or a client missing): a row per thing it would have checked, as far as that is known
 * before it runs (each admin step, each client; the conform matrix as one row).
 */
export function notRunRows(
  part: Part,
  reason: string,
  o: Pick<CertifyOptions, 'clients' | 'features'>,
  chosen: boolean,
): CardRow[] {
  const row = (id: string, name: string, area: CardRow['area']): CardRow => ({
    id,
    area,
    part,
    name,
    status: 'not-run',
    reason,
    evidence: [],
  });
  const area: Record<Part, CardRow['area']> = {
    scenario: 'produce-fetch-offsets',
    conform: 'admin',
    clients: 'clients',
    admin: 'admin',
  };
  if (chosen || part === 'scenario' || part === 'conform') return [row(part, PART_TITLES[part], area[part])];
  if (part === 'admin') return ADMIN_TOOL_STEPS.map((s) => row(`admin/${s.name}`, s.command, 'admin'));
  return o.clients.map((d) =>
    row(`clients/${d.id}`, `${d.label}: ${featuresOf(d, o.features).length} features`, 'clients'),
  );
}

/** Runs the certify parts, writes card.json and card.md into `outDir`, and returns the card. */
export async function runCertify(o: CertifyOptions): Promise<Card> {
  const startedAt = new Date();
  const rows: CardRow[] = [];
  const notRun: { part: Part; reason: string }[] = [];
  const rel = (p: string) => relative(o.outDir, p) || '.';
  const order: Part[] = ['scenario', 'conform', 'clients', 'admin'];
  for (const [i, part] of order.entries()) {
    const title = `[${i + 1}/${order.length}] ${PART_TITLES[part]}`;
    if (!o.parts.has(part)) {
      const reason = o.skipped[part] ?? 'left out';
      o.progress(`${title}: not run (${reason})`);
      notRun.push({ part, reason });
      rows.push(...notRunRows(part, reason, o, true));
      continue;
    }
    const t0 = Date.now();
    o.progress(`${title}: starting`);
    let partRows: CardRow[];
    try {
      partRows = await PARTS_RUN[part](o, rel, (line) => o.progress(`  ${line}`));
    } catch (err) {
      if (err instanceof CertifyTargetError) throw err;
      // a spec naming what does not exist (--against kafka@9.9.9): bad usage, whatever part met it first
      if (err instanceof TargetUnavailableError && err.badSpec) throw new CertifyTargetError(err.message, true);
      // Java, Kafka or a client missing, a Kafka that would not start: the part's rows say so, the
      // rest of the card stands. Anything else is kconform's own failure: said in full on stderr,
      // and the part's rows say it stopped, so one part's crash does not lose the others' results.
      const first = (err as Error).message?.split('\n')[0] ?? String(err);
      const reason = err instanceof TargetUnavailableError ? first : `stopped with an error: ${first}`;
      if (!(err instanceof TargetUnavailableError))
        process.stderr.write(`kconform certify: ${PART_TITLES[part]}: ${(err as Error).stack ?? String(err)}\n`);
      o.progress(`${title}: not run: ${reason}`);
      notRun.push({ part, reason });
      rows.push(...notRunRows(part, reason, o, false));
      continue;
    }
    rows.push(...partRows);
    const count = (s: CardRow['status']) => partRows.filter((r) => r.status === s).length;
    o.progress(
      `${title}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${count('pass')} pass, ${count('fail')} fail, ${count('differs')} differ, ${count('not-supported')} not supported, ${count('not-run')} not run`,
    );
  }
  const allowed = o.allowlist ? applyAllowlist(rows, o.allowlist.entries) : { rows, stale: [] };
  const card = buildCard({
    target: o.target.label,
    ...(o.parts.has('conform') || o.parts.has('admin') ? { against: o.against.label } : {}),
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    options: o.recorded,
    rows: allowed.rows,
    ...(o.allowlist
      ? { allowlist: { file: o.allowlist.file, entries: o.allowlist.entries.length, stale: allowed.stale } }
      : {}),
    ...(notRun.length ? { notRun } : {}),
  });
  writeFileSync(join(o.outDir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  writeFileSync(join(o.outDir, 'card.md'), renderCardMarkdown(card));
  return card;
}

type PartRunner = (o: CertifyOptions, rel: (p: string) => string, log: (line: string) => void) => Promise<CardRow[]>;

const PARTS_RUN: Readonly<Record<Part, PartRunner>> = {
  scenario: runScenarioPart,
  conform: runConformPart,
  clients: runClientsPart,
  admin: runAdminPart,
};

/** Every scenario plainly, then (with faults) every one that does not bring its own fault schedule under them. */
async function runScenarioPart(
  o: CertifyOptions,
  rel: (p: string) => string,
  log: (line: string) => void,
): Promise<CardRow[]> {
  const plan: { scenario: Scenario; faults: readonly FaultFamily[] }[] = [
    ...o.scenarios.map((scenario) => ({ scenario, faults: [] as FaultFamily[] })),
    // the cluster scenarios play their own faults: under the chosen ones they would only repeat
    ...(o.faults.length
      ? o.scenarios
          .filter((s) => !s.minBrokers || s.minBrokers <= 1)
          .map((scenario) => ({ scenario, faults: o.faults }))
      : []),
  ];
  const rows: CardRow[] = [];
  for (const [i, { scenario, faults }] of plan.entries()) {
    const name = faults.length ? `${scenario.name}+${faults.join(',')}` : scenario.name;
    // no comma in a path: evidence is pasted into markdown and shells
    const runDir = join(
      o.outDir,
      'scenarios',
      faults.length ? `${scenario.name}-under-${faults.join('-')}` : scenario.name,
    );
    log(`(${i + 1}/${plan.length}) ${scenario.name}${faults.length ? ` under ${faults.join(', ')}` : ''}`);
    let run;
    try {
      run = await runScenario({
        spec: o.target.spec,
        targetName: o.target.label,
        scenario,
        seed: o.seed,
        records: o.records,
        runDir,
        brokers: o.brokers,
        faults,
        nodeControl: o.nodeControl,
        progress: () => {},
      });
    } catch (err) {
      if (!(err instanceof TargetUnavailableError)) throw err;
      // the first run reaches the target for the first time: there the target is unavailable (exit 3)
      if (i === 0) throw new CertifyTargetError(err.message, err.badSpec);
      rows.push({
        id: `scenario/${name}`,
        area: 'durability',
        part: 'scenario',
        name,
        status: 'fail',
        detail: err.message.slice(0, 300),
        evidence: [rel(runDir)],
      });
      continue;
    }
    const row = scenarioRow({ run, evidence: rel(runDir), faults });
    log(`    ${row.status}${row.status === 'pass' ? '' : `: ${row.detail}`} (${run.seconds.toFixed(1)} s)`);
    rows.push(row);
  }
  return rows;
}

async function runConformPart(
  o: CertifyOptions,
  rel: (p: string) => string,
  log: (line: string) => void,
): Promise<CardRow[]> {
  const dir = join(o.outDir, 'conform');
  makeDirs(dir);
  const report = await runConform({
    target: o.target,
    against: o.against,
    seed: o.seed,
    cases: o.cases,
    apis: o.apis,
    outDir: dir,
    progress: log,
  });
  const file = join(dir, 'conform.json');
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return conformRows(report, rel(file));
}

async function runClientsPart(
  o: CertifyOptions,
  rel: (p: string) => string,
  log: (line: string) => void,
): Promise<CardRow[]> {
  const dir = join(o.outDir, 'clients');
  const target = o.brokers > 1 ? `${o.target.label}/${o.brokers}` : o.target.label;
  const m = await runMatrixOn(target, { outDir: dir, clients: o.clients, features: o.features, log });
  const file = join(dir, 'matrix.json');
  writeFileSync(file, `${JSON.stringify([m], null, 2)}\n`);
  return clientRows(m, rel(file));
}

/** Kafka's admin tools on the target and on a fresh Kafka, step by step; both outputs kept as evidence. */
async function runAdminPart(
  o: CertifyOptions,
  rel: (p: string) => string,
  log: (line: string) => void,
): Promise<CardRow[]> {
  const dir = join(o.outDir, 'admin');
  makeDirs(join(dir, 'target'));
  makeDirs(join(dir, 'against'));
  log(`starting ${o.target.label} and ${o.against.label}`);
  const started = await Promise.allSettled([
    startTarget(o.target.spec, join(dir, 'target'), { brokers: o.brokers }),
    startTarget(o.against.spec, join(dir, 'against')),
  ]);
  const up = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = () => Promise.all(up.map((s) => s.stop()));
  const failed = started.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
  if (failed) {
    await stopAll();
    const err = failed.reason as Error;
    throw err instanceof TargetUnavailableError ? err : new TargetUnavailableError(err.message);
  }
  const [target, against] = up as [StartedTarget, StartedTarget];
  const unregister = registerCleanup(`stop the admin tools' ${o.target.label} and ${o.against.label}`, stopAll);
  try {
    // a broker kconform did not start may hold an earlier run's topic: a fresh name each run
    const topic = `certify-admin-${randomBytes(3).toString('hex')}`;
    const onStep = (side: string) => (s: AdminToolStep) => log(`${side}: ${s.command}`);
    const [t, a] = await Promise.all([
      adminToolSession(target.bootstrap, topic, ADMIN_TOOL_STEPS, onStep(o.target.label)),
      adminToolSession(against.bootstrap, topic, ADMIN_TOOL_STEPS, onStep(o.against.label)),
    ]);
    const steps: AdminStepOutcome[] = ADMIN_TOOL_STEPS.map((s) => {
      const files = [join(dir, `${s.name}.target.txt`), join(dir, `${s.name}.kafka.txt`)] as const;
      writeFileSync(files[0], `${t[s.name]}\n`);
      writeFileSync(files[1], `${a[s.name]}\n`);
      return { name: s.name, command: s.command, target: t[s.name]!, against: a[s.name]!, evidence: files.map(rel) };
    });
    return adminRows(steps);
  } finally {
    unregister();
    await stopAll();
  }
}

/** The client drivers and features certify runs by default: all of them. */
export const DEFAULT_CLIENTS: readonly ClientDriver[] = DRIVERS;
export const DEFAULT_FEATURES: readonly Feature[] = FEATURES;
