/**
 * Choosing the version of a request as Kafka's clients do (NetworkClient with
 * NodeApiVersions.latestUsableVersion): the highest version that the broker advertises in
 * ApiVersions, the codec can write, and the caller can build. A broker that serves an older or
 * narrower range (Kafka 2.7.0, an implementer's broker) gets requests it understands; one that
 * does not serve the API at all gets a clear error before anything is sent.
 */
import { API_NAMES, API_TABLE } from '../messages/generated/api-table.ts';

/** An inclusive range of versions of one API. */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** What a caller can build: either bound may be left to the codec's own range. */
export type WantedVersions = Partial<VersionRange>;

/** The versions the broker serves, by API key, as its ApiVersions answer lists them. */
export type ServedVersions = ReadonlyMap<number, VersionRange>;

/** The request versions kconform's codec (the pinned Kafka specs) can encode and decode for `apiKey`. */
export function codecVersions(apiKey: number): VersionRange {
  const entry = API_TABLE.get(apiKey);
  if (!entry) throw new RangeError(`no message spec for API key ${apiKey}`);
  return { min: entry.validVersions[0], max: entry.validVersions[1] };
}

const rangeText = (r: VersionRange): string => (r.min === r.max ? `v${r.min}` : `v${r.min}-${r.max}`);
const apiText = (apiKey: number): string => `${API_NAMES[apiKey] ?? 'unknown API'} (API key ${apiKey})`;

/** A request no version of which both sides serve; thrown before anything is sent, so the connection stays usable. */
export class UnsupportedApiError extends Error {
  readonly apiKey: number;
  /** What the broker serves; undefined when it does not list the API at all. */
  readonly served: VersionRange | undefined;
  /** What kconform can send: the caller's range within the codec's. */
  readonly sendable: VersionRange;
  constructor(broker: string, apiKey: number, served: VersionRange | undefined, sendable: VersionRange) {
    super(
      served
        ? `${broker} serves ${apiText(apiKey)} ${rangeText(served)}, kconform can send ${rangeText(sendable)}: no version in common`
        : `${broker} does not serve ${apiText(apiKey)} at all (its ApiVersions does not list it); kconform can send ${rangeText(sendable)}`,
    );
    this.name = 'UnsupportedApiError';
    this.apiKey = apiKey;
    this.served = served;
    this.sendable = sendable;
  }
}

/**
 * The version to send `apiKey` at: the highest in the broker's range, the codec's and `want`.
 *
 * @throws UnsupportedApiError when the ranges have no version in common (or the broker lacks the API)
 * @throws RangeError when `want` lies outside what the codec can write (a caller's mistake)
 */
export function pickVersion(
  apiKey: number,
  served: ServedVersions,
  want: WantedVersions = {},
  broker = 'the broker',
): number {
  const codec = codecVersions(apiKey);
  const sendable = { min: Math.max(codec.min, want.min ?? codec.min), max: Math.min(codec.max, want.max ?? codec.max) };
  if (sendable.min > sendable.max) {
    throw new RangeError(
      `${apiText(apiKey)}: asked for ${rangeText({ min: want.min ?? codec.min, max: want.max ?? codec.max })}, but the codec knows ${rangeText(codec)}`,
    );
  }
  const theirs = served.get(apiKey);
  if (!theirs) throw new UnsupportedApiError(broker, apiKey, undefined, sendable);
  const version = Math.min(sendable.max, theirs.max);
  if (version < sendable.min || version < theirs.min) throw new UnsupportedApiError(broker, apiKey, theirs, sendable);
  return version;
}

/** The served ranges from an ApiVersions answer's `apiKeys`. */
export function servedVersions(
  apiKeys: readonly { apiKey: number; minVersion: number; maxVersion: number }[],
): ServedVersions {
  return new Map(apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
}
