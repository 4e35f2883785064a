import { kebabCase, type MessageModel } from './spec-model.ts';
import { intersect, isEmpty } from './versions.ts';

/**
 * Emits the generated index: re-exports of every message module, the REQUESTS / RESPONSES
 * maps from API key to descriptor (registered with the codec registry on import), and API_NAMES
 * for every API key the specs name (removed APIs included, so logs can still name them).
 */
export function emitIndex(messages: MessageModel[], header: string): string {
  const out = [
    header,
    "import type { MessageDescriptor } from '../codec-support.ts';",
    "import { registerCodecs } from '../codec-registry.ts';",
  ];
  for (const m of messages) {
    if (m.type !== 'header') out.push(`import { ${m.name}Message } from './${kebabCase(m.name)}.ts';`);
  }
  out.push('');
  for (const m of messages) out.push(`export * from './${kebabCase(m.name)}.ts';`);
  out.push("export { API_NAMES } from './api-table.ts';");
  out.push("export * from './api-keys.ts';");
  const table = (type: string): string[] =>
    messages
      .filter((m) => m.type === type)
      .sort((a, b) => a.apiKey! - b.apiKey!)
      .map((m) => `  [${m.apiKey}, ${m.name}Message],`);
  out.push('');
  out.push('/** Request descriptors by API key. */');
  out.push('export const REQUESTS: ReadonlyMap<number, MessageDescriptor> = new Map<number, MessageDescriptor>([');
  out.push(...table('request'));
  out.push(']);');
  out.push('');
  out.push('/** Response descriptors by API key. */');
  out.push('export const RESPONSES: ReadonlyMap<number, MessageDescriptor> = new Map<number, MessageDescriptor>([');
  out.push(...table('response'));
  out.push(']);');
  out.push('');
  out.push('// Importing the index makes every codec available to protocol/messages/frame-codec.ts.');
  out.push('registerCodecs(REQUESTS, RESPONSES);');
  return `${out.join('\n')}\n`;
}

/** The first flexible version of `m`, as its descriptor's `flexibleMin` gives it. */
function flexibleMin(m: MessageModel): string {
  return isEmpty(intersect(m.flexibleVersions, m.validVersions))
    ? 'Infinity'
    : String(Math.max(m.flexibleVersions.lo, m.validVersions.lo));
}

/**
 * Emits the API table: per API key its name, request versions, the first flexible request and
 * response versions (all a frame header needs) and a loader that imports just that API's two
 * codec modules; plus API_NAMES. It imports no codec, so a process that serves a few APIs (the
 * reference broker) loads only those instead of all of them.
 */
export function emitApiTable(messages: MessageModel[], apiNames: Map<number, string>, header: string): string {
  const out = [header, "import type { MessageDescriptor } from '../codec-support.ts';", ''];
  out.push('/** What frames need to know about one API without loading its codec. */');
  out.push('export interface ApiTableEntry {');
  out.push('  readonly name: string;');
  out.push('  /** Lowest and highest request version of the pinned specs. */');
  out.push('  readonly validVersions: readonly [number, number];');
  out.push('  /** First flexible request version, Infinity if none. */');
  out.push('  readonly requestFlexibleMin: number;');
  out.push('  /** First flexible response version, Infinity if none. */');
  out.push('  readonly responseFlexibleMin: number;');
  out.push('  /** Imports the request and response codecs of this API. */');
  out.push('  load(): Promise<{ request: MessageDescriptor; response: MessageDescriptor }>;');
  out.push('}');
  out.push('');
  out.push('/** Every API key of the pinned specs. */');
  out.push('export const API_TABLE: ReadonlyMap<number, ApiTableEntry> = new Map<number, ApiTableEntry>([');
  const responses = new Map(messages.filter((m) => m.type === 'response').map((m) => [m.apiKey, m]));
  for (const req of messages.filter((m) => m.type === 'request').sort((a, b) => a.apiKey! - b.apiKey!)) {
    const res = responses.get(req.apiKey);
    if (!res) throw new Error(`${req.name} has no response spec`);
    out.push(`  [${req.apiKey}, {`);
    out.push(`    name: '${req.name.replace(/Request$/, '')}',`);
    out.push(`    validVersions: [${req.validVersions.lo}, ${req.validVersions.hi}],`);
    out.push(`    requestFlexibleMin: ${flexibleMin(req)},`);
    out.push(`    responseFlexibleMin: ${flexibleMin(res)},`);
    out.push(
      `    load: async () => ({ request: (await import('./${kebabCase(req.name)}.ts')).${req.name}Message, response: (await import('./${kebabCase(res.name)}.ts')).${res.name}Message }),`,
    );
    out.push('  }],');
  }
  out.push(']);');
  out.push('');
  out.push('/** API names by key, e.g. 0 → Produce; includes APIs Kafka has removed. */');
  out.push('export const API_NAMES: Readonly<Record<number, string>> = {');
  for (const [key, name] of [...apiNames].sort((a, b) => a[0] - b[0])) out.push(`  ${key}: '${name}',`);
  out.push('};');
  return `${out.join('\n')}\n`;
}

/**
 * Emits the API keys and the request → response type map: `ApiKey` (a const object and the
 * union of its values, as `erasableSyntaxOnly` allows no enum), `ApiMessages` from each key to
 * its request and response types, and `RequestOf` / `ResponseOf`. Only APIs with both specs get
 * a key, so every key has a codec. The message types are imported with `import type`, so this
 * module loads no codec either.
 */
export function emitApiKeys(messages: MessageModel[], header: string): string {
  const responses = new Map(messages.filter((m) => m.type === 'response').map((m) => [m.apiKey, m]));
  const apis = messages
    .filter((m) => m.type === 'request')
    .sort((a, b) => a.apiKey! - b.apiKey!)
    .map((req) => {
      const res = responses.get(req.apiKey);
      if (!res) throw new Error(`${req.name} has no response spec`);
      return { key: req.apiKey!, name: req.name.replace(/Request$/, ''), req, res };
    });
  const out = [header];
  for (const { req, res } of apis) {
    out.push(`import type { ${req.name} } from './${kebabCase(req.name)}.ts';`);
    out.push(`import type { ${res.name} } from './${kebabCase(res.name)}.ts';`);
  }
  out.push('');
  out.push(
    "/** Every API key of the pinned specs, named as Kafka's message specs name the API (ApiKey.Produce is 0). */",
  );
  out.push('export const ApiKey = {');
  for (const { key, name } of apis) out.push(`  ${name}: ${key},`);
  out.push('} as const;');
  out.push('');
  out.push('/** An API key the pinned specs define. */');
  out.push('export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];');
  out.push('');
  out.push('/** The request and response body types of each API key. */');
  out.push('export interface ApiMessages {');
  for (const { key, req, res } of apis) out.push(`  ${key}: { request: ${req.name}; response: ${res.name} };`);
  out.push('}');
  out.push('');
  out.push('/** The request body type of API key `K`, e.g. RequestOf<typeof ApiKey.Produce> is ProduceRequest. */');
  out.push("export type RequestOf<K extends ApiKey> = ApiMessages[K]['request'];");
  out.push('');
  out.push('/** The response body type of API key `K`. */');
  out.push("export type ResponseOf<K extends ApiKey> = ApiMessages[K]['response'];");
  return `${out.join('\n')}\n`;
}
