/**
 * The config changes of IncrementalAlterConfigs (KIP-339) and AlterConfigs on a topic's own
 * configs, computed as Kafka 4.4's ConfigurationControlManager does
 * (incrementalAlterConfigResource, legacyAlterConfigResource); validation of the result is the
 * caller's (topic-config.ts). Pure: the controller runs it against the committed configs.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-339%3A+Create+a+new+IncrementalAlterConfigs+API
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { isListConfig, topicConfigDefault } from './topic-config.ts';

/** AlterConfigOp.OpType ids as the wire carries them. */
export const ConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

/** One change of one key. */
export interface ConfigChange {
  name: string;
  op: number;
  /** Ignored by DELETE. */
  value: string | null;
}

/** The new configs, or the Kafka error that refuses the change. */
export type ConfigOpsResult =
  | { ok: true; configs: Record<string, string> }
  | { ok: false; errorCode: number; message: string | null };

/** Kafka's getParts: the current value (or the default) split on commas, empty items dropped. */
function parts(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  return value.split(',').filter((p) => p !== '');
}

/**
 * Applies incremental changes to `current` (a topic's own configs). APPEND and SUBTRACT work on
 * the current value or, when the topic has none, Kafka's default, and only on LIST configs.
 */
export function applyIncrementalChanges(
  current: Readonly<Record<string, string>>,
  changes: readonly ConfigChange[],
): ConfigOpsResult {
  const next: Record<string, string> = { ...current };
  for (const c of changes) {
    switch (c.op) {
      case ConfigOp.SET:
        next[c.name] = c.value ?? '';
        break;
      case ConfigOp.DELETE:
        delete next[c.name];
        break;
      case ConfigOp.APPEND:
      case ConfigOp.SUBTRACT: {
        if (!isListConfig(c.name))
          return {
            ok: false,
            errorCode: ErrorCode.INVALID_CONFIG,
            message: `Can't ${OP_NAMES[c.op]} to key ${c.name} because its type is not LIST.`,
          };
        const list = parts(current[c.name] ?? topicConfigDefault(c.name));
        const items = (c.value ?? '').split(',');
        if (c.op === ConfigOp.APPEND) {
          for (const item of items) if (!list.includes(item)) list.push(item);
        } else {
          for (const item of items) {
            const at = list.indexOf(item);
            if (at >= 0) list.splice(at, 1);
          }
        }
        next[c.name] = list.join(',');
        break;
      }
      default:
        // Kafka fails converting an unknown operation id: an internal error without a message.
        return { ok: false, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, message: null };
    }
  }
  return { ok: true, configs: next };
}

/** AlterConfigs (legacy): the given configs replace every own config of the topic. */
export function replaceConfigs(changes: readonly { name: string; value: string | null }[]): Record<string, string> {
  return Object.fromEntries(changes.map((c) => [c.name, c.value ?? '']));
}

/** Whether two config sets hold the same keys and values. */
export function sameConfigs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}
