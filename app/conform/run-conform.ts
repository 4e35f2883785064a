/**
 * `kconform conform`: starts the broker under test and real Kafka fresh, asks both which API
 * versions they serve, prepares the same state on both, and sends every case (hand-written
 * edge cases and seeded generated requests) to both, comparing the normalized answers. The
 * result is a matrix API x version -> same / differs / unsupported.
 */
import { randomBytes } from 'node:crypto';

import { join } from 'node:path';
import { REQUESTS } from '../../protocol/messages/generated/index.ts';
import { startTarget, TargetUnavailableError, type StartedTarget } from '../../harness/targets/target.ts';
import type { TargetSpec } from '../../harness/targets/target-spec.ts';
import { BrokerSide } from './broker-side.ts';
import type { ConformCase } from './conform-case.ts';
import { summarize, type CellDiff, type ConformReport, type ConformRow } from './conform-report.ts';
import { diffValues } from './diff.ts';
import { edgeCases } from './edge-cases/index.ts';
import { generatedCases } from './generated-cases.ts';
import { knownDifference, KNOWN_DIFFERENCES, type KnownDifference } from './known-differences.ts';
import { prepareWorld, settle, settleTopicConfigs, type Pair } from './prepare-world.ts';
import { makeWorld, ownedBy, type World } from './world.ts';
import { diffLogState, LOG_WRITING_APIS } from './log-state.ts';
import { makeDirs } from '../../harness/output/make-dirs.ts';
import { registerCleanup } from '../../harness/cleanup/cleanup-registry.ts';

/** Options of one conform run. */
export interface ConformOptions {
  target: { label: string; spec: TargetSpec };
  against: { label: string; spec: TargetSpec };
  seed: number;
  /** Generated cases per API version. */
  cases: number;
  /** Only these API keys (default: every API either side serves). */
  apis?: ReadonlySet<number>;
  /** Where the targets keep their logs and data. */
  outDir: string;
  /** Longest wait for one answer. */
  timeoutMs?: number;
  /** The known differences to accept (default: known-differences.ts). */
  knownDifferences?: readonly KnownDifference[];
  progress?: (line: string) => void;
}

/** Version ranges a broker advertises, by API key. */
export type VersionRanges = ReadonlyMap<number, readonly [number, number]>;

/** The name of an API, e.g. 'Produce' for key 0. */
export function apiName(apiKey: number): string {
  return REQUESTS.get(apiKey)?.name.replace(/Request$/, '') ?? `Api${apiKey}`;
}

/**
 * Destructive APIs go last, so the topics, records and groups the others ask about are still
 * there when they run.
 */
const LAST = [21, 20, 42];

/** API keys in the order they run. */
export function runOrder(keys: Iterable<number>): number[] {
  const all = [...new Set(keys)].sort((a, b) => a - b);
  return [...all.filter((k) => !LAST.includes(k)), ...LAST.filter((k) => all.includes(k))];
}

async function apiVersionsOf(side: BrokerSide): Promise<VersionRanges> {
  for (const version of [3, 0]) {
    const o = await side.send({
      apiKey: 18,
      version,
      body: { clientSoftwareName: 'kconform-conform', clientSoftwareVersion: '1.0' },
    });
    if (o.kind !== 'answer') continue;
    const body = o.body as { errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] };
    if (body.errorCode !== 0) continue;
    return new Map(body.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion] as const]));
  }
  throw new TargetUnavailableError(`${side.bootstrap} (${side.role}) does not answer ApiVersions`);
}

/** One cell to compare or to report unsupported. */
export interface Cell {
  apiKey: number;
  version: number;
  unsupportedBy?: ConformRow['unsupportedBy'];
}

/** The cells of the matrix: every version either side serves, compared where both do and the codec knows it. */
export function matrixCells(target: VersionRanges, against: VersionRanges, apis?: ReadonlySet<number>): Cell[] {
  const cells: Cell[] = [];
  for (const apiKey of runOrder([...target.keys(), ...against.keys()])) {
    if (apis && !apis.has(apiKey)) continue;
    const t = target.get(apiKey);
    const a = against.get(apiKey);
    const lo = Math.min(t?.[0] ?? Infinity, a?.[0] ?? Infinity);
    const hi = Math.max(t?.[1] ?? -Infinity, a?.[1] ?? -Infinity);
    const codec = REQUESTS.get(apiKey)?.validVersions;
    for (let version = lo; version <= hi; version++) {
      const inT = !!t && version >= t[0] && version <= t[1];
      const inA = !!a && version >= a[0] && version <= a[1];
      if (!inT && !inA) continue;
      const known = !!codec && version >= codec[0] && version <= codec[1];
      const unsupportedBy = !inT ? 'target' : !inA ? 'against' : !known ? 'codec' : undefined;
      cells.push(unsupportedBy ? { apiKey, version, unsupportedBy } : { apiKey, version });
    }
  }
  return cells;
}

/** What running one case found. */
interface CaseResult {
  diffs: CellDiff[];
  messages?: { target?: Record<string, string>; against?: Record<string, string> };
  /** The case left the two brokers' logs apart (its diffs say where). */
  diverged?: boolean;
}

/**
 * Runs one case on both sides. `logsBefore` is how the logs differed before it (JSON of the
 * diffs; '[]' when alike): only a change is this case's doing.
 */
async function runCase(
  c: ConformCase,
  pair: Pair,
  world: World,
  known: readonly KnownDifference[],
  logsBefore = '[]',
): Promise<CaseResult> {
  const [target, against] = pair.sides;
  const prev: unknown[] = [];
  const diffs: CellDiff[] = [];
  const messages: CaseResult['messages'] = {};
  for (const s of pair.sides) s.ids.newCase();
  for (const [i, step] of c.steps.entries()) {
    const label = c.steps.length > 1 ? `${c.name} / step ${i + 1} (${apiName(step.apiKey)} v${step.version})` : c.name;
    let body: unknown;
    try {
      body = typeof step.body === 'function' ? (step.body as (p: unknown[]) => unknown)(prev) : step.body;
    } catch (err) {
      body = { kconformCannotBuild: (err as Error).message };
    }
    const outcomes = await Promise.all(
      [target, against].map((s) =>
        step.raw
          ? s.sendRaw(step.raw)
          : s.send({
              apiKey: step.apiKey,
              version: step.version,
              body,
              noResponse: step.noResponse,
              timeoutMs: step.timeoutMs,
            }),
      ),
    );
    const nt = target.normalize(step.apiKey, step.version, outcomes[0]!);
    const na = against.normalize(step.apiKey, step.version, outcomes[1]!);
    prev.push(na.value);
    if (step.compare !== false) {
      for (const d of diffValues(nt.value, na.value, 5)) {
        const k = knownDifference(c.apiKey, c.version, c.name, d.path, known);
        diffs.push({ case: label, ...d, ...(k ? { known: k.reason } : {}) });
      }
      if (Object.keys(nt.info).length) messages.target = { ...messages.target, ...prefixed(label, nt.info) };
      if (Object.keys(na.info).length) messages.against = { ...messages.against, ...prefixed(label, na.info) };
    }
    if (step.settle) await settle(pair, world);
    if (step.settleConfigs !== undefined) await settleTopicConfigs(pair, step.settleConfigs);
  }
  // answers alike do not prove the logs alike (acks=0 has none): a log this case left apart is
  // reported here, where it happened, not by every later case that reads it
  let diverged = false;
  if (c.steps.some((s) => LOG_WRITING_APIS.has(s.apiKey))) {
    const logs = await diffLogState(pair, world);
    diverged = JSON.stringify(logs) !== logsBefore;
    if (diverged) {
      for (const d of logs) {
        const k = knownDifference(c.apiKey, c.version, c.name, d.path, known);
        diffs.push({ case: c.name, ...d, ...(k ? { known: k.reason } : {}) });
      }
    }
  }
  return { diffs, messages: diffs.length ? messages : undefined, diverged };
}

function prefixed(label: string, info: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(info).map(([k, v]) => [`${label}: ${k || '(answer)'}`, v]));
}

async function startBoth(opts: ConformOptions): Promise<[StartedTarget, StartedTarget]> {
  const started = await Promise.allSettled([
    startTarget(opts.target.spec, join(opts.outDir, 'target')),
    startTarget(opts.against.spec, join(opts.outDir, 'against')),
  ]);
  const failed = started
    .map((s, i) => ({ s, label: i === 0 ? opts.target.label : opts.against.label }))
    .filter((x) => x.s.status === 'rejected');
  if (failed.length) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    const first = failed[0]!;
    const err = (first.s as PromiseRejectedResult).reason as Error;
    if (err instanceof TargetUnavailableError)
      throw new TargetUnavailableError(`${first.label}: ${err.message}`, { badSpec: err.badSpec });
    throw err;
  }
  return started.map((s) => (s as PromiseFulfilledResult<StartedTarget>).value) as [StartedTarget, StartedTarget];
}

/** Runs the whole comparison and returns the matrix. Throws TargetUnavailableError when a side cannot be started or reached. */
export async function runConform(opts: ConformOptions): Promise<ConformReport> {
  const progress = opts.progress ?? (() => {});
  const known = opts.knownDifferences ?? KNOWN_DIFFERENCES;
  const startedAt = new Date();
  makeDirs(join(opts.outDir, 'target'));
  makeDirs(join(opts.outDir, 'against'));
  progress(`starting ${opts.target.label} and ${opts.against.label}`);
  const [target, against] = await startBoth(opts);
  // Ctrl-C stops both brokers (a Kafka left running would hold its ports and data directory)
  const unregister = registerCleanup(`stop ${opts.target.label} and ${opts.against.label}`, () =>
    Promise.all([target.stop(), against.stop()]),
  );
  try {
    // a broker kconform did not start may hold topics of earlier runs: this run's names get a tag
    const tag = target.fresh && against.fresh ? '' : randomBytes(3).toString('hex');
    let world = makeWorld(tag);
    const normalizeCtx = { ownTopic: ownedBy(world), ownGroup: ownedBy(world) };
    const sides = [
      new BrokerSide('target', target.bootstrap, normalizeCtx, opts.timeoutMs),
      new BrokerSide('against', against.bootstrap, normalizeCtx, opts.timeoutMs),
    ] as const;
    try {
      const [tv, av] = await Promise.all(sides.map(apiVersionsOf));
      const cells = matrixCells(tv!, av!, opts.apis);
      const common = (apiKey: number): number | undefined => highestCommonVersion(tv!, av!, apiKey);
      const pair: Pair = { sides, common };
      for (const w of await prepareWorld(pair, world, progress)) progress(`warning: ${w}`);
      /** How the logs differ now: a case is blamed only for a change. */
      let logsApart = '[]';
      const preparedLogs = async () => {
        const start = await diffLogState(pair, world);
        if (start.length)
          progress(`warning: the prepared logs already differ (${start.map((d) => d.path).join(', ')})`);
        logsApart = JSON.stringify(start);
      };
      await preparedLogs();
      let worlds = 0;
      /**
       * After a case left the logs apart, the rest of the run works on a world prepared afresh
       * (new topic names, same content on both), so no later case inherits the difference.
       */
      const freshWorld = async (after: string) => {
        world = makeWorld(tag ? `${tag}-r${++worlds}` : `r${++worlds}`);
        progress(`${after} left the logs apart: preparing a fresh world (${world.prefix}*) for the cases after it`);
        for (const w of await prepareWorld(pair, world, () => {})) progress(`warning: ${w}`);
        await preparedLogs();
      };

      const rows: ConformRow[] = [];
      for (const apiKey of runOrder(cells.map((c) => c.apiKey))) {
        const apiCells = cells.filter((c) => c.apiKey === apiKey);
        const compared = apiCells.filter((c) => !c.unsupportedBy);
        const name = apiName(apiKey);
        if (compared.length)
          progress(`${name} (${apiKey}) v${compared[0]!.version}-${compared.at(-1)!.version}: running`);
        for (const cell of apiCells) {
          if (cell.unsupportedBy) {
            rows.push({
              apiKey,
              apiName: name,
              version: cell.version,
              verdict: 'unsupported',
              cases: 0,
              differing: 0,
              unsupportedBy: cell.unsupportedBy,
            });
            continue;
          }
          const casesIn = (w: World) => [
            ...edgeCases(apiKey, { world: w, version: cell.version, common }),
            ...generatedCases({ apiKey, version: cell.version, count: opts.cases, seed: opts.seed, world: w }),
          ];
          // the same cases (deterministic by seed), about the world of the moment
          let cases = casesIn(world);
          const row: ConformRow = {
            apiKey,
            apiName: name,
            version: cell.version,
            verdict: 'same',
            cases: cases.length,
            differing: 0,
          };
          for (let i = 0; i < cases.length; i++) {
            const c = cases[i]!;
            const r = await runCase(c, pair, world, known, logsApart);
            if (r.diverged) {
              await freshWorld(`${name} v${cell.version} ${c.name}`);
              cases = casesIn(world);
            }
            if (!r.diffs.length) continue;
            row.differing++;
            (row.diff ??= []).push(...r.diffs);
            if (r.messages && (r.messages.target || r.messages.against))
              (row.messages ??= []).push({ case: c.name, ...r.messages });
          }
          if (row.differing) {
            row.verdict = 'differs';
            row.knownOnly = row.diff!.every((d) => d.known);
            const reasons = [...new Set(row.diff!.filter((d) => d.known).map((d) => d.known!))];
            if (reasons.length) row.known = reasons;
          }
          rows.push(row);
        }
        if (compared.length) {
          const own = rows.filter((r) => r.apiKey === apiKey && r.verdict !== 'unsupported');
          const bad = own.filter((r) => r.verdict === 'differs' && !r.knownOnly).map((r) => `v${r.version}`);
          const knownOnly = own.filter((r) => r.knownOnly).map((r) => `v${r.version}`);
          progress(
            `${name} (${apiKey}): ${own.length} versions, ${own.reduce((n, r) => n + r.cases, 0)} cases, ` +
              (bad.length ? `differs in ${bad.join(' ')}` : 'same') +
              (knownOnly.length ? `; known differences in ${knownOnly.join(' ')}` : ''),
          );
        }
      }
      return {
        against: opts.against.label,
        target: opts.target.label,
        seed: opts.seed,
        casesPerVersion: opts.cases,
        startedAt: startedAt.toISOString(),
        seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
        summary: summarize(rows),
        rows,
      };
    } finally {
      for (const s of sides) s.close();
    }
  } finally {
    unregister();
    await Promise.all([target.stop(), against.stop()]);
  }
}

/** Highest version of an API both serve and the codec knows (setup steps use it, also for APIs outside `--apis`). */
export function highestCommonVersion(t: VersionRanges, a: VersionRanges, apiKey: number): number | undefined {
  const x = t.get(apiKey);
  const y = a.get(apiKey);
  const codec = REQUESTS.get(apiKey)?.validVersions;
  if (!x || !y || !codec) return undefined;
  const hi = Math.min(x[1], y[1], codec[1]);
  const lo = Math.max(x[0], y[0], codec[0]);
  return hi >= lo ? hi : undefined;
}
