/**
 * The rows of the report card, from what each part of `kconform certify` produced: scenario runs,
 * the conform matrix, the client matrix and the admin tool session. Pure: evidence paths are
 * relative to the certify run's directory.
 */
import type { Area, CardRow } from '../../reports/card/card-model.ts';
import type { ConformReport, ConformRow } from '../conform/conform-report.ts';
import type { TargetMatrix } from '../clients/matrix-table.ts';
import type { ScenarioRun } from '../runner/run-scenario.ts';
import { NOT_SUPPORTED_YET } from '../../scenarios/scenario-needs.ts';

/** The area of each scenario when it runs without faults (with faults, every scenario is `durability`). */
export const SCENARIO_AREAS: Readonly<Record<string, Area>> = {
  seed: 'produce-fetch-offsets',
  'offset-ordering': 'produce-fetch-offsets',
  replay: 'produce-fetch-offsets',
  'ack-levels': 'produce-fetch-offsets',
  idempotence: 'produce-fetch-offsets',
  'long-poll': 'produce-fetch-offsets',
  'consumer-groups': 'groups',
  'group-generations': 'groups',
  'consumer-protocol': 'groups',
  'txn-atomicity': 'transactions',
  'txn-fencing': 'transactions',
  failover: 'durability',
  durability: 'durability',
  'under-min-isr': 'durability',
};

/** One scenario run as the card needs it: where it ran and whether under faults. */
export interface ScenarioOutcome {
  run: ScenarioRun;
  /** The run directory relative to the card. */
  evidence: string;
  faults: readonly string[];
}

/** A scenario row: pass, fail (an anomaly), or fail with the error when it could not decide. */
export function scenarioRow(o: ScenarioOutcome): CardRow {
  const { run, faults } = o;
  const underFaults = faults.length > 0;
  const failing = run.checks.filter((c) => c.valid !== true).map((c) => `${c.checker}: ${c.summary}`);
  const notSupported = [run.error ?? '', ...run.checks.map((c) => c.summary)].some((t) =>
    t.includes(NOT_SUPPORTED_YET),
  );
  const status: CardRow['status'] = run.valid === true ? 'pass' : notSupported ? 'not-supported' : 'fail';
  const detail =
    run.valid === true
      ? `${run.checks.length} checks held (seed ${run.seed}, ${run.ops} ops)`
      : [run.valid === 'unknown' ? 'could not decide' : '', run.error ?? '', ...failing].filter(Boolean).join('; ');
  return {
    id: `scenario/${run.scenario}${underFaults ? `+${faults.join(',')}` : ''}`,
    area: underFaults ? 'durability' : (SCENARIO_AREAS[run.scenario] ?? 'produce-fetch-offsets'),
    part: 'scenario',
    name: underFaults ? `${run.scenario} under ${faults.join(', ')}` : run.scenario,
    status,
    detail: detail.length > 300 ? `${detail.slice(0, 299)}…` : detail,
    evidence: [o.evidence],
  };
}

/** The area of an API of the conform matrix, by its name. */
export function apiArea(apiName: string): Area {
  if (/Txn|Transaction|^InitProducerId$|^DescribeProducers$/.test(apiName)) return 'transactions';
  if (/Group|^Offset(Commit|Fetch|Delete)$|^FindCoordinator$|^Share(Fetch|Acknowledge)$/.test(apiName)) return 'groups';
  if (
    /^(Produce|Fetch|ListOffsets|Metadata|ApiVersions|OffsetForLeaderEpoch|DeleteRecords|DescribeTopicPartitions)$/.test(
      apiName,
    )
  )
    return 'produce-fetch-offsets';
  return 'admin';
}

/** "v0-3 v5" from versions. */
export function versionRuns(versions: readonly number[]): string {
  const v = [...versions].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < v.length; ) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j]! + 1) j++;
    parts.push(j > i ? `v${v[i]}-${v[j]}` : `v${v[i]}`);
    i = j + 1;
  }
  return parts.join(' ');
}

/**
 * One row per API of the conform matrix. Compared versions decide: any unexplained difference →
 * differs, else pass (differences listed in known-differences.ts pass, as `conform` treats them).
 * An API Kafka serves and the target serves in no version → not supported. Versions only the
 * target serves (or the codec cannot speak) give no row: there is no Kafka behaviour to compare.
 */
export function conformRows(report: ConformReport, evidence: string): CardRow[] {
  const byApi = new Map<number, ConformRow[]>();
  for (const r of report.rows) byApi.set(r.apiKey, [...(byApi.get(r.apiKey) ?? []), r]);
  const rows: CardRow[] = [];
  for (const [, cells] of [...byApi].sort((a, b) => a[0] - b[0])) {
    const name = cells[0]!.apiName;
    const compared = cells.filter((c) => c.verdict !== 'unsupported');
    const missing = cells.filter((c) => c.verdict === 'unsupported' && c.unsupportedBy === 'target');
    const base = {
      id: `conform/${name}`,
      area: apiArea(name),
      part: 'conform' as const,
      name: `${name} (key ${cells[0]!.apiKey})`,
      evidence: [`${evidence}#${name}`],
    };
    if (!compared.length) {
      if (missing.length)
        rows.push({
          ...base,
          status: 'not-supported',
          detail: `Kafka serves ${versionRuns(missing.map((c) => c.version))}; the target none`,
        });
      continue;
    }
    const bad = compared.filter((c) => c.verdict === 'differs' && !c.knownOnly);
    const known = [...new Set(compared.flatMap((c) => c.known ?? []))];
    const cases = compared.reduce((n, c) => n + c.cases, 0);
    const notServed = missing.length ? `; not served: ${versionRuns(missing.map((c) => c.version))}` : '';
    if (bad.length) {
      const d = bad[0]!.diff?.find((x) => !x.known);
      const first = d
        ? `: ${d.case}: ${d.path || '(answer)'} ${JSON.stringify(d.target)} vs Kafka ${JSON.stringify(d.against)}`
        : '';
      rows.push({
        ...base,
        status: 'differs',
        detail:
          `differs in ${versionRuns(bad.map((c) => c.version))} of ${versionRuns(compared.map((c) => c.version))}${first}`.slice(
            0,
            300,
          ) + notServed,
      });
    } else {
      rows.push({
        ...base,
        status: 'pass',
        detail: `same in ${versionRuns(compared.map((c) => c.version))} (${cases} cases)${known.length ? `; known: ${known.join('; ')}` : ''}${notServed}`,
      });
    }
  }
  return rows;
}

/** One row per client × feature cell: works → pass, fails → fail; a client limitation or a client not installed does not count. */
export function clientRows(m: TargetMatrix, evidence: string): CardRow[] {
  return m.cells.map((c) => {
    const label = m.clients.find((x) => x.id === c.client)?.label ?? c.client;
    const base = {
      id: `clients/${c.client}/${c.feature}`,
      area: 'clients' as const,
      part: 'clients' as const,
      name: `${label}: ${c.feature}`,
      evidence: [evidence],
    };
    if (c.status === 'works') return { ...base, status: 'pass' as const, detail: c.detail };
    if (c.status === 'fails') return { ...base, status: 'fail' as const, detail: c.detail };
    return {
      ...base,
      status: 'not-run' as const,
      reason: c.status === 'limitation' ? `client limitation: ${c.detail}` : `client not available: ${c.detail}`,
    };
  });
}

/** One admin tool step on both sides. */
export interface AdminStepOutcome {
  name: string;
  command: string;
  target: string;
  against: string;
  /** Files holding both outputs, relative to the card. */
  evidence: string[];
}

/** One row per admin tool step: the same output as on Kafka → pass, else differs (with the first line that differs). */
export function adminRows(steps: readonly AdminStepOutcome[]): CardRow[] {
  return steps.map((s) => {
    const base = {
      id: `admin/${s.name}`,
      area: 'admin' as const,
      part: 'admin' as const,
      name: s.command,
      evidence: s.evidence,
    };
    if (s.target === s.against) return { ...base, status: 'pass' as const, detail: s.target.split('\n')[0] };
    const t = s.target.split('\n');
    const a = s.against.split('\n');
    const i = t.findIndex((l, k) => l !== a[k]);
    const at = i === -1 ? t.length : i;
    return {
      ...base,
      status: 'differs' as const,
      detail:
        `line ${at + 1}: ${JSON.stringify(t[at] ?? '(nothing)')} vs Kafka ${JSON.stringify(a[at] ?? '(nothing)')}`.slice(
          0,
          300,
        ),
    };
  });
}
