/**
 * A SASL_PLAINTEXT listener beside a node's PLAINTEXT one, configured as Kafka's security docs
 * describe it for KRaft: `sasl.enabled.mechanisms`, a per-listener JAAS config for each mechanism
 * (`listener.name.sasl_plaintext.<mechanism>.sasl.jaas.config`; PLAIN users as `user_NAME="pw"`),
 * and SCRAM credentials written into the metadata log when the storage is formatted
 * (`kafka-storage format --add-scram 'SCRAM-SHA-256=[name=U,password=P]'`, KIP-900), so they
 * exist before the broker starts. Inter-broker and controller traffic stay on PLAINTEXT, and so
 * does the harness's own readiness probe.
 */
import type { Properties } from './server-properties.ts';

/** The SASL mechanisms the harness can configure on Kafka. */
export type KafkaSaslMechanism = 'PLAIN' | 'SCRAM-SHA-256';

/** Options of the SASL_PLAINTEXT listener. */
export interface KafkaSaslOptions {
  /** sasl.enabled.mechanisms */
  readonly mechanisms: readonly KafkaSaslMechanism[];
  /** User name → password, for every mechanism. */
  readonly users: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
}

/** The listener's name (and security protocol). */
export const SASL_LISTENER = 'SASL_PLAINTEXT';

function entries(users: KafkaSaslOptions['users']): [string, string][] {
  return users instanceof Map ? [...users.entries()] : Object.entries(users);
}

// JAAS option values are double-quoted; the harness refuses what would need escaping rather than guess Kafka's parser.
function checkJaasValue(what: string, value: string): string {
  if (/["\\\n;=,\][]/.test(value) || value === '')
    throw new RangeError(
      `SASL ${what} ${JSON.stringify(value)} must be non-empty and contain none of " \\ ; = , [ ] or a newline`,
    );
  return value;
}

/**
 * The properties that add the listener: the three listeners, their protocols, the mechanisms and
 * their JAAS configs. `host`, `port`, `controllerPort` and `saslPort` are the node's.
 */
export function saslListenerProperties(
  layout: { host: string; port: number; controllerPort: number; saslPort: number },
  sasl: KafkaSaslOptions,
): Properties {
  const users = entries(sasl.users);
  if (users.length === 0) throw new RangeError('a SASL listener needs at least one user');
  if (sasl.mechanisms.length === 0) throw new RangeError('a SASL listener needs at least one mechanism');
  for (const [u, p] of users) {
    checkJaasValue('user name', u);
    checkJaasValue('password', p);
  }
  const { host } = layout;
  const props: Properties = {
    listeners: `PLAINTEXT://${host}:${layout.port},CONTROLLER://${host}:${layout.controllerPort},${SASL_LISTENER}://${host}:${layout.saslPort}`,
    'advertised.listeners': `PLAINTEXT://${host}:${layout.port},${SASL_LISTENER}://${host}:${layout.saslPort}`,
    'listener.security.protocol.map': `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,${SASL_LISTENER}:SASL_PLAINTEXT`,
    'sasl.enabled.mechanisms': sasl.mechanisms.join(','),
  };
  const prefix = `listener.name.${SASL_LISTENER.toLowerCase()}`;
  if (sasl.mechanisms.includes('PLAIN')) {
    const [firstUser, firstPassword] = users[0]!;
    const userOptions = users.map(([u, p]) => `user_${u}="${p}"`).join(' ');
    props[`${prefix}.plain.sasl.jaas.config`] =
      `org.apache.kafka.common.security.plain.PlainLoginModule required username="${firstUser}" password="${firstPassword}" ${userOptions};`;
  }
  if (sasl.mechanisms.includes('SCRAM-SHA-256')) {
    props[`${prefix}.scram-sha-256.sasl.jaas.config`] =
      'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  }
  return props;
}

/** `kafka-storage format` arguments that create the SCRAM-SHA-256 credentials (none without SCRAM). */
export function scramFormatArgs(sasl: KafkaSaslOptions): string[] {
  if (!sasl.mechanisms.includes('SCRAM-SHA-256')) return [];
  return entries(sasl.users).flatMap(([u, p]) => [
    '--add-scram',
    `SCRAM-SHA-256=[name=${checkJaasValue('user name', u)},password=${checkJaasValue('password', p)}]`,
  ]);
}
