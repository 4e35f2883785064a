/**
 * SASL PLAIN (RFC 4616, https://www.rfc-editor.org/rfc/rfc4616) as Kafka's PlainSaslServer
 * checks it: `[authzid] NUL authcid NUL passwd`, checked against the listener's users, with
 * Kafka's messages (the visible ones are those it sends to the client).
 */
import { timingSafeEqual } from 'node:crypto';
import { SaslFailure } from './sasl-failure.ts';

/** Splits at most three NUL-separated tokens, as PlainSaslServer.split does (missing ones are empty). */
function tokens(message: string): [string, string, string] {
  const out: [string, string, string] = ['', '', ''];
  let start = 0;
  for (let i = 0; i < 3; i++) {
    const end = message.indexOf('\u0000', start);
    if (end === -1) {
      out[i] = message.slice(start);
      break;
    }
    out[i] = message.slice(start, end);
    start = end + 1;
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks one PLAIN token; returns the authenticated user name.
 * @throws SaslFailure with Kafka's message
 */
export function authenticatePlain(token: Buffer, users: ReadonlyMap<string, string>): string {
  const [authzid, user, password] = tokens(token.toString('utf8'));
  if (user === '') throw new SaslFailure('Authentication failed: username not specified', false);
  if (password === '') throw new SaslFailure('Authentication failed: password not specified', false);
  const expected = users.get(user);
  if (expected === undefined || !sameSecret(expected, password))
    throw new SaslFailure('Authentication failed: Invalid username or password', true);
  if (authzid !== '' && authzid !== user)
    throw new SaslFailure(
      'Authentication failed: Client requested an authorization id that is different from username',
      true,
    );
  return user;
}

/** The PLAIN token a client sends (empty authzid). */
export function plainToken(user: string, password: string): Buffer {
  return Buffer.from(`\u0000${user}\u0000${password}`, 'utf8');
}
