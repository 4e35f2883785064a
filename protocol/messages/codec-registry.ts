/**
 * The codecs frame-codec.ts encodes and decodes with, by API key. Importing the generated index
 * registers every codec at once (what tools and tests do); a process that needs only some APIs
 * awaits {@link loadCodecs} for those instead and never loads the rest: the reference broker
 * serves 25 of Kafka's 90 APIs, and loading all 180 codec modules cost it a third of its
 * start-up time and a quarter of its memory.
 */
import type { MessageDescriptor } from './codec-support.ts';
import { API_NAMES, API_TABLE } from './generated/api-table.ts';

const requests = new Map<number, MessageDescriptor>();
const responses = new Map<number, MessageDescriptor>();

/** Makes the given codecs available (the generated index calls this with all of them). */
export function registerCodecs(
  requestCodecs: ReadonlyMap<number, MessageDescriptor>,
  responseCodecs: ReadonlyMap<number, MessageDescriptor>,
): void {
  for (const [k, d] of requestCodecs) requests.set(k, d);
  for (const [k, d] of responseCodecs) responses.set(k, d);
}

/** True once both codecs of `apiKey` are registered. */
export function codecsLoaded(apiKey: number): boolean {
  return requests.has(apiKey) && responses.has(apiKey);
}

/** Loads and registers the request and response codecs of `apiKeys`; throws RangeError for a key the specs do not have. */
export async function loadCodecs(apiKeys: Iterable<number>): Promise<void> {
  await Promise.all(
    [...new Set(apiKeys)].map(async (apiKey) => {
      if (codecsLoaded(apiKey)) return;
      const entry = API_TABLE.get(apiKey);
      if (!entry) throw new RangeError(`no message spec for API key ${apiKey}`);
      const { request, response } = await entry.load();
      requests.set(apiKey, request);
      responses.set(apiKey, response);
    }),
  );
}

/** The request codec of `apiKey`, or undefined if the specs have none. Throws if the API exists but its codec was never loaded. */
export function requestCodec(apiKey: number): MessageDescriptor | undefined {
  return requests.get(apiKey) ?? notLoaded(apiKey);
}

/** The response codec of `apiKey`, or undefined if the specs have none. Throws if the API exists but its codec was never loaded. */
export function responseCodec(apiKey: number): MessageDescriptor | undefined {
  return responses.get(apiKey) ?? notLoaded(apiKey);
}

function notLoaded(apiKey: number): undefined {
  if (!API_TABLE.has(apiKey)) return undefined;
  // A programming error, not bad input: the process forgot to load an API it uses.
  throw new Error(
    `the ${API_NAMES[apiKey]} codec (API key ${apiKey}) is not loaded: await loadCodecs([${apiKey}]) or import protocol/messages/generated/index.ts first`,
  );
}
