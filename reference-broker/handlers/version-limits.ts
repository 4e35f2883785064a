/**
 * A handler table that serves fewer versions than the handlers can: what the test-only
 * `apiVersionLimits` broker setting builds, so a reference broker can pose as Kafka 2.7.0 or as
 * an implementer's broker with narrower ranges, advertising exactly what it then serves.
 */
import { apiVersionsHandler } from './api-versions.ts';
import type { ApiHandler } from './handler.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

/**
 * `handlers` with each API in `limits` narrowed to the overlap of its range and the limit; an
 * API with no overlap is left out (not advertised, and a request for it closes the connection,
 * as for any API the broker does not serve). ApiVersions lists the narrowed table.
 */
export function limitVersions(
  handlers: ReadonlyMap<number, ApiHandler>,
  limits: ReadonlyMap<number, { readonly min: number; readonly max: number }>,
): ReadonlyMap<number, ApiHandler> {
  const table = new Map<number, ApiHandler>();
  for (const [apiKey, h] of handlers) {
    // The ApiVersions handler lists the table it was built over: build one over this table.
    const handler = apiKey === ApiKey.ApiVersions ? apiVersionsHandler(() => table) : h;
    const limit = limits.get(apiKey);
    if (!limit) {
      table.set(apiKey, handler);
      continue;
    }
    const minVersion = Math.max(handler.minVersion, limit.min);
    const maxVersion = Math.min(handler.maxVersion, limit.max);
    if (minVersion > maxVersion) continue;
    table.set(apiKey, { apiKey, minVersion, maxVersion, handle: (req, ctx) => handler.handle(req, ctx) });
  }
  return table;
}
