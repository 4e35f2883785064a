/**
 * Settings of a SASL_PLAINTEXT listener, named after Kafka's: `sasl.enabled.mechanisms`, the PLAIN
 * users of the JAAS config (`user_NAME="password"`), SCRAM credentials (which Kafka keeps in the
 * metadata log, created by `kafka-storage format --add-scram` or `kafka-configs`),
 * `connections.failed.authentication.delay.ms` and `sasl.server.max.receive.size`.
 */
import { scramCredential, type ScramCredential } from './scram.ts';

/** The mechanisms the reference broker implements. */
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256';

/** Every mechanism the reference broker implements, in the spelling Kafka uses on the wire. */
export const SASL_MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256'];

/** A SASL listener's configuration. */
export interface SaslListenerConfig {
  /** sasl.enabled.mechanisms, in the order SaslHandshake lists them. */
  readonly mechanisms: readonly SaslMechanism[];
  /** PLAIN: user name → password. */
  readonly plainUsers: ReadonlyMap<string, string>;
  /** SCRAM-SHA-256: user name → salted credential (the password itself is not kept). */
  readonly scramUsers: ReadonlyMap<string, ScramCredential>;
  /** connections.failed.authentication.delay.ms: a refused client waits this long for its answer (Kafka: 100). */
  readonly failedAuthenticationDelayMs: number;
  /** sasl.server.max.receive.size: the largest frame read before the client authenticated (Kafka: 512 KiB). */
  readonly maxReceiveSize: number;
}

/** Thrown for a bad `--sasl` or `--sasl-users` value; the message says what is wrong. */
export class SaslConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaslConfigError';
  }
}

/** Parses `plain`, `scram-sha-256` or a comma-separated list of them (any case). */
export function parseSaslMechanisms(value: string): SaslMechanism[] {
  const names = value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (names.length === 0)
    throw new SaslConfigError('no SASL mechanism given (use plain, scram-sha-256 or both, comma-separated)');
  const unknown = names.filter((n) => !SASL_MECHANISMS.includes(n as SaslMechanism));
  if (unknown.length)
    throw new SaslConfigError(
      `unsupported SASL mechanism(s) ${unknown.join(', ')}: supported are ${SASL_MECHANISMS.map((m) => m.toLowerCase()).join(', ')}`,
    );
  return [...new Set(names as SaslMechanism[])];
}

/** Parses `user:password,user2:password2` (a password may contain ':' but not ','). */
export function parseSaslUsers(value: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1)
      throw new SaslConfigError(`bad SASL user "${entry}": expected user:password`);
    const user = entry.slice(0, colon);
    if (users.has(user)) throw new SaslConfigError(`SASL user ${user} given twice`);
    users.set(user, entry.slice(colon + 1));
  }
  if (users.size === 0) throw new SaslConfigError('no SASL users given (expected user:password,…)');
  return users;
}

/**
 * Parses a users file: one `user:password` per line (the password is the rest of the line after
 * the first ':', so it may hold ':' and ','); blank lines and lines starting with '#' are
 * skipped. Errors name `path` and the line.
 */
export function parseSaslUsersFile(text: string, path: string): Map<string, string> {
  const users = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0 || colon === line.length - 1) throw new SaslConfigError(`${path}:${i + 1}: expected user:password`);
    const user = line.slice(0, colon);
    if (users.has(user)) throw new SaslConfigError(`${path}:${i + 1}: SASL user ${user} given twice`);
    users.set(user, line.slice(colon + 1));
  });
  if (users.size === 0) throw new SaslConfigError(`${path}: no SASL users in it (expected one user:password per line)`);
  return users;
}

/**
 * A listener config for `mechanisms` with the same users for each mechanism; SCRAM credentials
 * are derived once here (PBKDF2, 4096 iterations as Kafka's default), as Kafka derives them when
 * a credential is created, so an authentication costs no key stretching on the broker.
 */
export function saslListenerConfig(
  mechanisms: readonly SaslMechanism[],
  users: ReadonlyMap<string, string>,
  overrides: Partial<Pick<SaslListenerConfig, 'failedAuthenticationDelayMs' | 'maxReceiveSize'>> = {},
): SaslListenerConfig {
  if (mechanisms.length === 0) throw new SaslConfigError('a SASL listener needs at least one mechanism');
  if (users.size === 0) throw new SaslConfigError('a SASL listener needs at least one user');
  const scramUsers = new Map<string, ScramCredential>();
  if (mechanisms.includes('SCRAM-SHA-256'))
    for (const [user, password] of users) scramUsers.set(user, scramCredential(password));
  return {
    mechanisms: [...mechanisms],
    plainUsers: mechanisms.includes('PLAIN') ? new Map(users) : new Map(),
    scramUsers,
    failedAuthenticationDelayMs: overrides.failedAuthenticationDelayMs ?? 100,
    maxReceiveSize: overrides.maxReceiveSize ?? 524_288,
  };
}
