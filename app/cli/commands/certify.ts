import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LATEST_KAFKA_VERSION } from '../../../harness/kafka-dist/kafka-version.ts';
import { parseFaultFamilies, type FaultFamily } from '../../../harness/nemesis/fault-schedule.ts';
import { kindOf, parseTargetSpec, type TargetSpec } from '../../../harness/targets/target-spec.ts';
import { AllowlistError, parseAllowlist } from '../../../reports/card/allowlist.ts';
import { failingRows, PARTS, type Part } from '../../../reports/card/card-model.ts';
import { renderCardSummary } from '../../../reports/card/card-markdown.ts';
import { writeRunReports } from '../../../reports/write-reports.ts';
import { CertifyTargetError, runCertify } from '../../certify/run-certify.ts';
import { DRIVERS, driversByIds, parseFeatures } from '../../clients/run-matrix.ts';
import { FEATURES } from '../../clients/features.ts';
import { CliError, ExitCode, targetError, usageError } from '../exit-codes.ts';
import { parseNodeControlOption, refuseImpossibleExternalFaults } from '../external-fault-options.ts';
import { checkOutputDir } from '../output-paths.ts';
import { newRunId, selectScenarios } from '../scenario-selection.ts';
import { parseApiList } from './conform.ts';

/** Options of `kconform certify`. */
export interface CertifyCommandOptions {
  target: string;
  brokers: number;
  against?: string;
  /** false with --no-conform. */
  conform: boolean;
  parts?: string;
  scenarios: string;
  faults?: string;
  records: number;
  seed?: number;
  cases: number;
  apis?: string;
  clients?: string;
  features?: string;
  nodeControl?: string;
  allow?: string;
  out?: string;
}

/** The names `--parts` takes, by card part. */
const PART_NAMES: Readonly<Record<string, Part>> = {
  scenarios: 'scenario',
  conform: 'conform',
  clients: 'clients',
  admin: 'admin',
};

/** `--parts scenarios,conform,...` → the card parts; unknown names are bad usage. */
export function parseParts(list: string): Set<Part> {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !PART_NAMES[n]);
  if (unknown.length || !names.length)
    throw usageError(
      `unknown part(s) ${unknown.join(', ') || "''"} in --parts: expected ${Object.keys(PART_NAMES).join(', ')}`,
    );
  return new Set(names.map((n) => PART_NAMES[n]!));
}

/**
 * The faults of the durability runs when `--faults` is left out: pause everywhere kconform
 * controls the processes, and kill too where a node restarts in moments (the reference broker):
 * a single Kafka node killed on a loaded machine comes back after the scenarios' clients gave up
 * (every check UNKNOWN: nothing learnt about the broker). On a target whose processes are its
 * owner's (external@ without --node-control), delays through its proxy: cut-client is left out
 * because txn-atomicity under it ends the whole process with an unhandled RawClientError
 * (ECONNRESET), as `kconform run` does too: a bug to fix before it can be a default.
 */
export function defaultFaults(spec: TargetSpec, hasNodeControl: boolean): FaultFamily[] {
  const caps = kindOf(spec).capabilities;
  const wanted: FaultFamily[] =
    caps.nodeControl && !hasNodeControl ? ['delay'] : caps.shrinkByDefault ? ['kill', 'pause'] : ['pause'];
  return wanted.filter((f) => caps.faults.includes(f));
}

function parseSpec(flag: string, value: string): TargetSpec {
  try {
    return parseTargetSpec(value);
  } catch (err) {
    throw usageError(`${flag}: ${(err as Error).message}`);
  }
}

/**
 * `kconform certify`: the report card of a target. Runs the parts, prints each as it starts and
 * ends, then the card; writes card.json, card.md and report.html under --out. Exit 0 when no row
 * fails or differs (accepted ones aside), 1 otherwise, 2 on bad usage or a bad allowlist, 3 when
 * the target cannot be started or reached.
 */
export async function certifyCommand(opts: CertifyCommandOptions): Promise<void> {
  const spec = parseSpec('--target', opts.target);
  // Kafka compared with itself when it is the target: the 100% a sound setup must score
  const againstLabel =
    opts.against ?? (kindOf(spec).capabilities.apacheKafka ? opts.target : `kafka@${LATEST_KAFKA_VERSION}`);
  const againstSpec = parseSpec('--against', againstLabel);
  if (!kindOf(againstSpec).capabilities.apacheKafka)
    throw usageError(`--against must be real Kafka (kafka@VERSION or container@IMAGE), got ${againstLabel}`);
  const parts = parseParts(opts.parts ?? Object.keys(PART_NAMES).join(','));
  const skipped: Partial<Record<Part, string>> = {};
  for (const p of PARTS) if (!parts.has(p)) skipped[p] = 'left out by --parts';
  if (!opts.conform) {
    parts.delete('conform');
    skipped.conform = 'left out by --no-conform';
  }
  const nodeControl = parseNodeControlOption(opts.nodeControl, [spec]);
  let faults: FaultFamily[];
  try {
    faults =
      opts.faults === 'none' ? [] : opts.faults ? parseFaultFamilies(opts.faults) : defaultFaults(spec, !!nodeControl);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  refuseImpossibleExternalFaults(faults, [spec], nodeControl);
  const notes: string[] = [];
  const scenarios = parts.has('scenario')
    ? selectScenarios(opts.scenarios, opts.brokers, (l) => notes.push(l), kindOf(spec).capabilities)
    : [];
  const apis = opts.apis ? parseApiList(opts.apis) : undefined;
  let clients = DRIVERS;
  let features = [...FEATURES];
  try {
    if (opts.clients)
      clients = driversByIds(
        opts.clients
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    if (opts.features)
      features = parseFeatures(
        opts.features
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  } catch (err) {
    throw usageError((err as Error).message);
  }
  let allowlist;
  if (opts.allow) {
    let text: string;
    try {
      text = readFileSync(opts.allow, 'utf8');
    } catch (err) {
      throw usageError(`--allow ${opts.allow}: ${(err as Error).message}`);
    }
    try {
      allowlist = { file: opts.allow, entries: parseAllowlist(text, opts.allow) };
    } catch (err) {
      if (err instanceof AllowlistError) throw usageError(err.message);
      throw err;
    }
  }
  const seed = opts.seed ?? randomInt(2 ** 31 - 1);
  const outDir = checkOutputDir(opts.out ?? join('runs', `certify-${newRunId()}`));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `kconform certify: target ${opts.target}${opts.brokers > 1 ? ` (${opts.brokers} nodes)` : ''}, against ${againstLabel}, seed ${seed}, records ${opts.records}, faults ${faults.join(',') || 'none'}, out ${outDir}`,
  );
  for (const n of notes) say(`  ${n}`);
  let card;
  try {
    card = await runCertify({
      target: { label: opts.target, spec },
      brokers: opts.brokers,
      parts,
      skipped,
      scenarios,
      faults,
      records: opts.records,
      seed,
      against: { label: againstLabel, spec: againstSpec },
      cases: opts.cases,
      apis,
      clients,
      features,
      nodeControl,
      allowlist,
      outDir,
      recorded: {
        target: opts.target,
        brokers: opts.brokers,
        seed,
        records: opts.records,
        faults,
        scenarios: scenarios.map((s) => s.name),
        cases: opts.cases,
        parts: [...parts],
        ...(opts.apis ? { apis: opts.apis } : {}),
        ...(opts.clients ? { clients: opts.clients } : {}),
        ...(opts.features ? { features: opts.features } : {}),
      },
      progress: say,
    });
  } catch (err) {
    if (err instanceof CertifyTargetError) throw targetError(err.message, err.badSpec);
    throw err;
  }
  // report.html: the card's section and the scenario runs' verdicts and charts
  if (scenarios.length) await writeRunReports(outDir, { junit: false });
  say('');
  process.stdout.write(renderCardSummary(card));
  say(`\ncard: ${join(outDir, 'card.json')}, ${join(outDir, 'card.md')}`);
  for (const s of card.allowlist?.stale ?? []) say(`allowlist: stale entry ${s.row} (${s.reason}): ${s.why}`);
  const failing = failingRows(card);
  if (failing.length)
    throw new CliError(
      `${failing.length} row(s) fail or differ from Kafka and are not in the allowlist: ${failing
        .slice(0, 5)
        .map((r) => r.id)
        .join(', ')}${failing.length > 5 ? ', …' : ''}`,
      ExitCode.anomaly,
    );
}
