/**
 * What the config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) share: Kafka's
 * ConfigResource.Type ids and the checks of a broker resource's name (Kafka 4.4's ConfigHelper
 * and ConfigAdminManager).
 */

/** ConfigResource.Type ids as the wire carries them. */
export const ResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(ResourceType));

/** Whether Kafka knows the resource type (an unknown one fails the whole DescribeConfigs request). */
export function isKnownResourceType(type: number): boolean {
  return KNOWN_TYPES.has(type);
}

/** Java's Integer.parseInt: an optional sign and decimal digits within int32, else undefined. */
export function parseJavaInt(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -(2 ** 31) && n <= 2 ** 31 - 1 ? n : undefined;
}

/** The message of Errors.INVALID_REQUEST, which Kafka answers when an exception carries none. */
export const INVALID_REQUEST_DEFAULT_MESSAGE =
  'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.';
