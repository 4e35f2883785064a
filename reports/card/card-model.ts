/**
 * The report card of `kconform certify`: one row per thing checked (a scenario, an API of the
 * conform matrix, a client x feature cell, an admin tool step), grouped by area, each with a
 * status and its evidence; a score per area and overall. Stored as card.json
 * (`kconform.card/v1`), validated when read, rendered as markdown (card-markdown.ts) and as a
 * section of report.html.
 */

/** The schema version this module reads and writes. */
export const CARD_SCHEMA = 'kconform.card/v1';

/** The areas of the card, in the order it shows them. */
export const AREAS = ['produce-fetch-offsets', 'groups', 'transactions', 'admin', 'clients', 'durability'] as const;
export type Area = (typeof AREAS)[number];

/** How each area reads on the card. */
export const AREA_TITLES: Readonly<Record<Area, string>> = {
  'produce-fetch-offsets': 'Produce, fetch, offsets',
  groups: 'Consumer groups',
  transactions: 'Transactions',
  admin: 'Admin',
  clients: 'Clients',
  durability: 'Durability under faults',
};

/**
 * A row's outcome. `accepted` is a failure or difference the implementer's allowlist accepts (it
 * counts as a pass); `not-run` (client missing, Java absent, part switched off) does not count.
 */
export const STATUSES = ['pass', 'accepted', 'fail', 'differs', 'not-supported', 'not-run'] as const;
export type RowStatus = (typeof STATUSES)[number];

/** The parts of a certify run a row can come from. */
export const PARTS = ['scenario', 'conform', 'clients', 'admin'] as const;
export type Part = (typeof PARTS)[number];

/** One row of the card. */
export interface CardRow {
  /** Stable id, what allowlist entries name: `scenario/seed`, `conform/Produce`, `clients/kafkajs/gzip`, `admin/kafka-topics --describe`. */
  id: string;
  area: Area;
  part: Part;
  /** What was checked, for humans. */
  name: string;
  status: RowStatus;
  /** One line: what was found (the failing checkers, the first difference, the versions compared). */
  detail?: string;
  /** Why: the reason of a `not-run` row, or the allowlist's reason of an `accepted` one. */
  reason?: string;
  /** For `accepted` rows: the status before the allowlist accepted it. */
  was?: 'fail' | 'differs' | 'not-supported';
  /** Where to look: paths relative to the card's directory (run dirs, conform.json#Produce). */
  evidence: string[];
}

/** The score of an area, or of the whole card. */
export interface Score {
  /** Rows that count: everything but `not-run`. */
  counted: number;
  /** Rows that pass: `pass` and `accepted`. */
  passed: number;
  /** passed / counted in percent, one decimal; null when nothing counted. */
  percent: number | null;
  /** Rows per status. */
  counts: Record<RowStatus, number>;
}

/** An allowlist entry that accepted nothing. */
export interface StaleEntry {
  row: string;
  reason: string;
  /** Why it is stale: it names no row, or only rows that pass. */
  why: string;
}

/** The whole card. */
export interface Card {
  schema: typeof CARD_SCHEMA;
  /** The target as the user wrote it. */
  target: string;
  /** The Kafka the conform matrix compared with (absent when conform did not run). */
  against?: string;
  /** ISO time the run started. */
  startedAt: string;
  seconds: number;
  /** The options that shaped the run (records, faults, seed, cases): enough to run it again. */
  options: Record<string, string | number | boolean | string[]>;
  rows: CardRow[];
  areas: (Score & { area: Area })[];
  overall: Score;
  /** The allowlist used, and its entries that accepted nothing. */
  allowlist?: { file: string; entries: number; stale: StaleEntry[] };
  /** Parts that did not run at all, with the reason (Java missing, --no-conform). */
  notRun?: { part: Part; reason: string }[];
}

/** Scores rows: (pass + accepted) / (all but not-run). */
export function score(rows: readonly CardRow[]): Score {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<RowStatus, number>;
  for (const r of rows) counts[r.status]++;
  const counted = rows.length - counts['not-run'];
  const passed = counts.pass + counts.accepted;
  return { counted, passed, percent: counted ? Math.round((passed / counted) * 1000) / 10 : null, counts };
}

/** The card of `rows`: areas and overall scored. */
export function buildCard(c: Omit<Card, 'schema' | 'areas' | 'overall'>): Card {
  // an area with no row at all (no cluster: no durability scenario) is left out, not shown as 0 of 0
  const areas = AREAS.filter((area) => c.rows.some((r) => r.area === area)).map((area) => ({
    area,
    ...score(c.rows.filter((r) => r.area === area)),
  }));
  return { schema: CARD_SCHEMA, ...c, areas, overall: score(c.rows) };
}

/**
 * What fails the run (exit 1): a row that fails or differs from Kafka and is not accepted.
 * `not-supported` lowers the score but does not fail the run (as `conform` treats an unsupported
 * version), nor does `not-run`.
 */
export function failingRows(card: Card): CardRow[] {
  return card.rows.filter((r) => r.status === 'fail' || r.status === 'differs');
}

/** A card.json that breaks the schema. */
export class CardSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardSchemaError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(cond: boolean, where: string, what: string): void {
  if (!cond) throw new CardSchemaError(`${where}: ${what}`);
}

function checkScore(v: unknown, where: string): void {
  need(isObj(v), where, 'expected an object');
  const s = v as Obj;
  need(Number.isInteger(s.counted) && (s.counted as number) >= 0, `${where}.counted`, 'expected a count');
  need(
    Number.isInteger(s.passed) && (s.passed as number) <= (s.counted as number),
    `${where}.passed`,
    'expected a count ≤ counted',
  );
  need(
    s.percent === null || (typeof s.percent === 'number' && s.percent >= 0 && s.percent <= 100),
    `${where}.percent`,
    'expected 0..100 or null',
  );
  need(isObj(s.counts), `${where}.counts`, 'expected an object');
  for (const st of STATUSES) need(Number.isInteger((s.counts as Obj)[st]), `${where}.counts.${st}`, 'expected a count');
}

/**
 * Checks that `json` is a card (schema string, every row's area/part/status known, ids unique,
 * scores consistent with the rows) and returns it typed; throws CardSchemaError naming the field.
 */
export function validateCard(json: unknown, source = 'card.json'): Card {
  need(isObj(json), source, 'expected an object');
  const c = json as Obj;
  need(c.schema === CARD_SCHEMA, `${source}.schema`, `expected '${CARD_SCHEMA}', got ${JSON.stringify(c.schema)}`);
  need(typeof c.target === 'string' && c.target !== '', `${source}.target`, 'expected a target');
  need(c.against === undefined || typeof c.against === 'string', `${source}.against`, 'expected a string');
  need(
    typeof c.startedAt === 'string' && !Number.isNaN(Date.parse(c.startedAt)),
    `${source}.startedAt`,
    'expected an ISO time',
  );
  need(typeof c.seconds === 'number' && c.seconds >= 0, `${source}.seconds`, 'expected seconds');
  need(isObj(c.options), `${source}.options`, 'expected an object');
  need(Array.isArray(c.rows), `${source}.rows`, 'expected an array');
  const ids = new Set<string>();
  for (const [i, r] of (c.rows as unknown[]).entries()) {
    const w = `${source}.rows[${i}]`;
    need(isObj(r), w, 'expected an object');
    const row = r as Obj;
    need(typeof row.id === 'string' && row.id !== '', `${w}.id`, 'expected an id');
    need(!ids.has(row.id as string), `${w}.id`, `duplicate id ${JSON.stringify(row.id)}`);
    ids.add(row.id as string);
    need((AREAS as readonly unknown[]).includes(row.area), `${w}.area`, `expected one of ${AREAS.join(', ')}`);
    need((PARTS as readonly unknown[]).includes(row.part), `${w}.part`, `expected one of ${PARTS.join(', ')}`);
    need(
      (STATUSES as readonly unknown[]).includes(row.status),
      `${w}.status`,
      `expected one of ${STATUSES.join(', ')}`,
    );
    need(typeof row.name === 'string', `${w}.name`, 'expected a string');
    need(
      Array.isArray(row.evidence) && row.evidence.every((e) => typeof e === 'string'),
      `${w}.evidence`,
      'expected paths',
    );
    if (row.status === 'not-run' || row.status === 'accepted')
      need(typeof row.reason === 'string' && row.reason !== '', `${w}.reason`, `a ${row.status} row needs a reason`);
  }
  need(Array.isArray(c.areas), `${source}.areas`, 'expected an array');
  for (const [i, a] of (c.areas as unknown[]).entries()) {
    need(isObj(a) && (AREAS as readonly unknown[]).includes(a.area), `${source}.areas[${i}].area`, 'expected an area');
    checkScore(a, `${source}.areas[${i}]`);
  }
  checkScore(c.overall, `${source}.overall`);
  const card = json as unknown as Card;
  // the stored scores must be the rows' scores: a hand-edited card cannot claim more
  const again = score(card.rows);
  need(
    again.passed === card.overall.passed && again.counted === card.overall.counted,
    `${source}.overall`,
    `says ${card.overall.passed}/${card.overall.counted} but the rows score ${again.passed}/${again.counted}`,
  );
  return card;
}
