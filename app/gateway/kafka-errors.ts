/**
 * Reading the errors kafkajs throws: a produce that failed after retries arrives as
 * KafkaJSNumberOfRetriesExceeded wrapping the last attempt's error, which may wrap a protocol
 * error carrying Kafka's error name (`type`, e.g. NOT_ENOUGH_REPLICAS). Load runs count errors by
 * that innermost kind; the gateway maps it to an HTTP status.
 */

interface ErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: unknown;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

/** The innermost error of a cause chain (at most 10 deep, in case of cycles). */
export function rootCause(err: unknown): unknown {
  let e = err;
  for (let i = 0; i < 10; i++) {
    const next = (e as ErrorLike | undefined)?.cause ?? (e as ErrorLike | undefined)?.originalError;
    if (next === undefined || next === null || next === e) break;
    e = next;
  }
  return e;
}

/** The Kafka error name (UNKNOWN_TOPIC_OR_PARTITION, …) anywhere in the cause chain, innermost first. */
export function kafkaErrorType(err: unknown): string | undefined {
  const chain: ErrorLike[] = [];
  let e = err as ErrorLike | undefined;
  for (let i = 0; i < 10 && e && typeof e === 'object'; i++) {
    chain.push(e);
    const next = (e.cause ?? e.originalError) as ErrorLike | undefined;
    if (next === e) break;
    e = next;
  }
  for (const c of chain.reverse()) if (typeof c.type === 'string' && /^[A-Z_]+$/.test(c.type)) return c.type;
  return undefined;
}

/**
 * A short, stable name for what went wrong, for counting errors by kind: the Kafka error name
 * when there is one, else the innermost error's class name (KafkaJSRequestTimeoutError,
 * KafkaJSConnectionError, …).
 */
export function errorKind(err: unknown): string {
  const type = kafkaErrorType(err);
  if (type) return type;
  const root = rootCause(err) as ErrorLike | undefined;
  if (root && typeof root === 'object')
    return root.name && root.name !== 'Error' ? root.name : (root.message ?? 'Error').slice(0, 60);
  return String(root).slice(0, 60);
}

/** The message of the innermost error. */
export function rootMessage(err: unknown): string {
  const root = rootCause(err) as ErrorLike | undefined;
  return root && typeof root === 'object' ? (root.message ?? String(root)) : String(root);
}
