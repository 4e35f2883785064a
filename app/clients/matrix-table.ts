/**
 * The client matrix as markdown: one row per client, one column per feature, one mark per
 * target in each cell (✅ works, ❌ fails, ⚠️ client limitation, — unavailable), and below it
 * every cell that did not work with its reason and its classification across targets:
 * - fails on a reference target but works on Kafka → a reference-broker difference (a bug to report);
 * - fails on Kafka too → a client limitation (or a client bug), not a broker difference.
 */
import { FEATURES, type CellResult, type CellStatus, type Feature } from './features.ts';

/** The cells of one target. */
export interface TargetMatrix {
  /** The target as given: reference, reference3, kafka@4.4.0. */
  target: string;
  /** Client id → label, in table order. */
  clients: { id: string; label: string }[];
  cells: CellResult[];
  /** Features that were run (the others show as blank). */
  features: Feature[];
}

const MARK: Record<CellStatus, string> = { works: '✅', fails: '❌', limitation: '⚠️', unavailable: '—' };

/** Whether `target` is Kafka itself (the baseline), not a broker under test. */
export function isKafkaTarget(target: string): boolean {
  return target.startsWith('kafka@');
}

function cellOf(m: TargetMatrix, client: string, feature: Feature): CellResult | undefined {
  return m.cells.find((c) => c.client === client && c.feature === feature);
}

/** How a non-working cell reads across the targets. */
export function classify(matrices: readonly TargetMatrix[], client: string, feature: Feature, target: string): string {
  const here = matrices.find((m) => m.target === target);
  const cell = here && cellOf(here, client, feature);
  if (!cell || cell.status === 'works') return '';
  if (cell.status === 'limitation') return 'client limitation';
  if (cell.status === 'unavailable') return 'client not available here';
  if (isKafkaTarget(target)) {
    const refWorks = matrices.some((m) => !isKafkaTarget(m.target) && cellOf(m, client, feature)?.status === 'works');
    return refWorks
      ? 'fails on Kafka but works on the reference broker: the reference broker is more lenient'
      : 'fails on Kafka itself: a client limitation, not a broker difference';
  }
  const baseline = matrices.find((m) => isKafkaTarget(m.target) && cellOf(m, client, feature));
  if (!baseline) return 'no Kafka baseline in this run';
  const b = cellOf(baseline, client, feature)!;
  if (b.status === 'works') return `works on ${baseline.target}: a reference-broker difference`;
  return `fails on ${baseline.target} too: a client limitation, not a broker difference`;
}

/** The markdown table and its notes. */
export function renderMatrix(matrices: readonly TargetMatrix[]): string {
  if (matrices.length === 0) return '';
  const features = FEATURES.filter((f) => matrices.some((m) => m.features.includes(f)));
  const clients: { id: string; label: string }[] = [];
  for (const m of matrices) for (const c of m.clients) if (!clients.some((x) => x.id === c.id)) clients.push(c);
  const lines: string[] = [];
  const order = matrices.map((m) => m.target).join(' / ');
  lines.push(
    `Marks per cell: ${order} (✅ works, ❌ fails, ⚠️ client limitation, — client not available, blank: not run)`,
    '',
  );
  lines.push(`| client | ${features.join(' | ')} |`);
  lines.push(`|---|${features.map(() => '---').join('|')}|`);
  for (const c of clients) {
    const row = features.map((f) =>
      matrices
        .map((m) => {
          const cell = cellOf(m, c.id, f);
          return cell ? MARK[cell.status] : '·';
        })
        .join(''),
    );
    lines.push(`| ${c.label} | ${row.join(' | ')} |`);
  }
  const problems: string[] = [];
  for (const m of matrices) {
    for (const cell of m.cells) {
      if (cell.status === 'works') continue;
      const label = clients.find((c) => c.id === cell.client)?.label ?? cell.client;
      problems.push(
        `- ${MARK[cell.status]} **${label}**, ${cell.feature}, on ${m.target}: ${cell.detail} — ${classify(matrices, cell.client, cell.feature, m.target)}`,
      );
    }
  }
  if (problems.length) lines.push('', ...problems);
  const notes = new Map<string, string>();
  for (const m of matrices)
    for (const cell of m.cells) if (cell.note) notes.set(`${cell.client}\u0000${cell.feature}`, cell.note);
  if (notes.size) {
    lines.push('', 'How each client did it:');
    for (const c of clients) {
      const mine = features
        .filter((f) => notes.has(`${c.id}\u0000${f}`))
        .map((f) => `${f}: ${notes.get(`${c.id}\u0000${f}`)}`);
      if (mine.length) lines.push(`- ${c.label} — ${mine.join('; ')}`);
    }
  }
  return lines.join('\n') + '\n';
}
