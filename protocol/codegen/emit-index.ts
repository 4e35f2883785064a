import { kebabCase, type MessageModel } from './spec-model.ts';

/**
 * Emits the generated index: re-exports of every message module, the REQUESTS / RESPONSES
 * maps from API key to descriptor, and API_NAMES for every API key the specs name
 * (removed APIs included, so logs can still name them).
 */
export function emitIndex(messages: MessageModel[], apiNames: Map<number, string>, header: string): string {
  const out = [header, "import type { MessageDescriptor } from '../codec-support.ts';"];
  for (const m of messages) {
    if (m.type !== 'header') out.push(`import { ${m.name}Message } from './${kebabCase(m.name)}.ts';`);
  }
  out.push('');
  for (const m of messages) out.push(`export * from './${kebabCase(m.name)}.ts';`);
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
  out.push('/** API names by key, e.g. 0 → Produce; includes APIs Kafka has removed. */');
  out.push('export const API_NAMES: Readonly<Record<number, string>> = {');
  for (const [key, name] of [...apiNames].sort((a, b) => a[0] - b[0])) out.push(`  ${key}: '${name}',`);
  out.push('};');
  return `${out.join('\n')}\n`;
}
