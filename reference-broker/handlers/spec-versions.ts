import { API_TABLE } from '../../protocol/messages/generated/api-table.ts';

/**
 * The version range Kafka's own message spec (the pinned release) defines for an API key.
 * Handlers serve that whole range unless they say otherwise, because the generated codec
 * reads and writes every version; what differs between versions is handled in the handler.
 */
export function specVersions(apiKey: number): { minVersion: number; maxVersion: number } {
  const d = API_TABLE.get(apiKey);
  if (!d) throw new Error(`no message spec for API key ${apiKey}`);
  return { minVersion: d.validVersions[0], maxVersion: d.validVersions[1] };
}
