/**
 * SCRAM-SHA-256 (RFC 5802 https://www.rfc-editor.org/rfc/rfc5802, RFC 7677), server side, as
 * Kafka's ScramSaslServer runs it: client-first (`n,[a=authzid],n=user,r=cnonce`), server-first
 * (`r=cnonce+snonce,s=salt,i=iterations`), client-final (`c=…,r=nonce,p=proof`), server-final
 * (`v=ServerSignature`). Credentials are salted and stretched once (PBKDF2-HMAC-SHA-256, 4096
 * iterations, Kafka's default and minimum) and keep only StoredKey and ServerKey.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslFailure } from './sasl-failure.ts';

/** What a broker stores for a SCRAM user (Kafka's ScramCredential). */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

/** Kafka refuses SCRAM-SHA-256 credentials with fewer iterations (ScramMechanism.minIterations). */
export const SCRAM_MIN_ITERATIONS = 4096;

const hmac = (key: Buffer, data: string | Buffer): Buffer => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** SaltedPassword = Hi(password, salt, i) (RFC 5802 §2.2; the password is used as UTF-8, without SASLprep, as Kafka does). */
export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
}

/** A credential for `password` with a fresh random salt. */
export function scramCredential(
  password: string,
  iterations = SCRAM_MIN_ITERATIONS,
  salt: Buffer = randomBytes(16),
): ScramCredential {
  const salted = saltedPassword(password, salt, iterations);
  return { salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** saslname → user name (RFC 5802 §5.1: "=2C" is ',' and "=3D" is '='). */
function unescapeName(saslName: string): string {
  return saslName.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

// Kafka's ScramMessages patterns, simplified to what tells a well-formed message from a bad one.
const CLIENT_FIRST = /^n,(?:a=([^,]*))?,(n=([^,]+),r=([\x21-\x2b\x2d-\x7e]+)(?:,[a-zA-Z][^,]*)*)$/;
const CLIENT_FINAL = /^(c=[A-Za-z0-9+/=]*,r=([\x21-\x2b\x2d-\x7e]+)(?:,[a-zA-Z][^,]*)*?),p=([A-Za-z0-9+/=]+)$/;

/** One SCRAM-SHA-256 exchange on one connection. */
export class ScramServerExchange {
  private readonly lookup: (user: string) => ScramCredential | undefined;
  private stage: 'first' | 'final' | 'done' | 'failed' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;
  /** The authenticated user once the exchange completed. */
  user: string | undefined;

  constructor(lookup: (user: string) => ScramCredential | undefined) {
    this.lookup = lookup;
  }

  get complete(): boolean {
    return this.stage === 'done';
  }

  /**
   * Evaluates the client's next message and returns the server's answer.
   * @throws SaslFailure (then the exchange is over)
   */
  evaluate(message: Buffer): Buffer {
    try {
      if (this.stage === 'first') return this.onClientFirst(message.toString('utf8'));
      if (this.stage === 'final') return this.onClientFinal(message.toString('utf8'));
      throw new SaslFailure(
        `Unexpected challenge in Sasl server state ${this.stage === 'done' ? 'COMPLETE' : 'FAILED'}`,
        false,
      );
    } catch (err) {
      this.stage = 'failed';
      this.credential = undefined;
      throw err;
    }
  }

  private onClientFirst(text: string): Buffer {
    const m = CLIENT_FIRST.exec(text);
    if (!m) throw new SaslFailure(`Invalid SCRAM client first message format: ${text}`, false);
    const [, authzid = '', bare, saslName, clientNonce] = m;
    const user = unescapeName(saslName!);
    const credential = this.lookup(user);
    if (!credential) throw new SaslFailure('Authentication failed: Invalid user credentials', false);
    if (authzid !== '' && authzid !== user)
      throw new SaslFailure(
        'Authentication failed: Client requested an authorization id that is different from username',
        true,
      );
    if (credential.iterations < SCRAM_MIN_ITERATIONS)
      throw new SaslFailure(
        `Iterations ${credential.iterations} is less than the minimum ${SCRAM_MIN_ITERATIONS} for SCRAM-SHA-256`,
        false,
      );
    this.user = user;
    this.credential = credential;
    this.clientFirstBare = bare!;
    this.nonce = `${clientNonce}${randomBytes(18).toString('hex')}`;
    this.serverFirst = `r=${this.nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.stage = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private onClientFinal(text: string): Buffer {
    const m = CLIENT_FINAL.exec(text);
    if (!m) throw new SaslFailure(`Invalid SCRAM client final message format: ${text}`, false);
    const [, withoutProof, nonce, proofB64] = m;
    if (nonce !== this.nonce) throw new SaslFailure('Invalid client nonce in the final client message.', false);
    const credential = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const proof = Buffer.from(proofB64!, 'base64');
    const clientSignature = hmac(credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new SaslFailure('Invalid client credentials', false);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), credential.storedKey))
      throw new SaslFailure('Invalid client credentials', false);
    const serverSignature = hmac(credential.serverKey, authMessage);
    this.stage = 'done';
    this.credential = undefined;
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}

/**
 * The client side of SCRAM-SHA-256, for tests and raw-protocol checks against any broker:
 * `first()` gives client-first, `final(serverFirst)` client-final, `verify(serverFinal)` checks
 * the server's signature (a broker that does not know the password cannot produce it).
 */
export class ScramClientExchange {
  private readonly user: string;
  private readonly password: string;
  private readonly clientNonce: string;
  private authMessage = '';
  private saltedPassword: Buffer | undefined;

  /** `nonce` is random unless given (test vectors). */
  constructor(user: string, password: string, nonce = randomBytes(18).toString('base64url')) {
    this.user = user;
    this.password = password;
    this.clientNonce = nonce;
  }

  first(): Buffer {
    return Buffer.from(`n,,${this.bare()}`, 'utf8');
  }

  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const fields = new Map(text.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
    const nonce = fields.get('r');
    const salt = fields.get('s');
    const iterations = Number(fields.get('i'));
    if (!nonce?.startsWith(this.clientNonce) || salt === undefined || !Number.isInteger(iterations))
      throw new Error(`bad SCRAM server-first message: ${text}`);
    this.saltedPassword = saltedPassword(this.password, Buffer.from(salt, 'base64'), iterations);
    const withoutProof = `c=biws,r=${nonce}`;
    this.authMessage = `${this.bare()},${text},${withoutProof}`;
    const clientKey = hmac(this.saltedPassword, 'Client Key');
    const signature = hmac(sha256(clientKey), this.authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** True when `serverFinal` is `v=` with the signature only a server knowing the credential can make. */
  verify(serverFinal: Buffer): boolean {
    if (!this.saltedPassword) return false;
    const expected = `v=${hmac(hmac(this.saltedPassword, 'Server Key'), this.authMessage).toString('base64')}`;
    return serverFinal.toString('utf8') === expected;
  }

  private bare(): string {
    return `n=${this.user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.clientNonce}`;
  }
}
