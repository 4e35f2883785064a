import { messageSchema, withDefaults } from '../../protocol/messages/schema-arbitraries.ts';
import type { RawRequest } from './broker-side.ts';

/** Normalized answers of the earlier steps of a case (Kafka's side), which later steps may use. */
// biome-ignore lint/suspicious/noExplicitAny: decoded answer bodies of any API, read by each case its own way
export type PreviousAnswers = readonly any[];

/** One request of a case. */
export interface CaseStep {
  apiKey: number;
  version: number;
  /** The request body (a template: placeholders are resolved per side), or how to make it from earlier answers. */
  body?: unknown | ((prev: PreviousAnswers) => unknown);
  /** A raw frame instead of a body (what the codec cannot encode). */
  raw?: RawRequest;
  /** acks=0 produce: no answer expected. */
  noResponse?: boolean;
  /** Compare this step's answers (default true); setup and cleanup steps say false. */
  compare?: boolean;
  /** Wait afterwards until both brokers show the same topics with leaders (after creating or deleting topics). */
  settle?: boolean;
  /** Wait afterwards until both brokers describe the same own configs of this topic (after changing them). */
  settleConfigs?: string;
  timeoutMs?: number;
}

/** One test of a cell of the matrix (API x version): a few requests sent to both brokers alike. */
export interface ConformCase {
  /** Short and unique within its cell, e.g. 'bad CRC' or 'generated #3'. */
  name: string;
  apiKey: number;
  version: number;
  source: 'edge' | 'generated';
  steps: CaseStep[];
}

/**
 * A complete request body of API `name` (e.g. 'Produce') from the fields that matter: the rest
 * get the spec's defaults, and fields the version lacks are left out by the encoder.
 */
export function request(name: string, partial: Record<string, unknown>): Record<string, unknown> {
  return withDefaults(messageSchema(`${name}Request`), partial);
}

/** The placeholder that each side resolves to its own id of `topic`. */
export function topicIdOf(topic: string): string {
  return `<id:${topic}>`;
}
