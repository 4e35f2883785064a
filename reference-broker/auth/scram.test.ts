import { describe, expect, it } from 'vitest';
import { ScramClientExchange, ScramServerExchange, scramCredential } from './scram.ts';
import { SaslFailure } from './sasl-failure.ts';
import { authenticatePlain, plainToken } from './plain.ts';

describe('SCRAM-SHA-256', () => {
  it('computes the RFC 7677 example exchange', () => {
    // RFC 7677 §3: user "user", password "pencil".
    const client = new ScramClientExchange('user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(client.first().toString()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const serverFirst = Buffer.from(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    expect(client.final(serverFirst).toString()).toBe(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(client.verify(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).toBe(true);
    expect(client.verify(Buffer.from('v=AAAA'))).toBe(false);
  });

  it('authenticates the right password, refuses a wrong one and an unknown user', () => {
    const credentials = new Map([['a,b=c', scramCredential('s3cret')]]);
    const run = (user: string, password: string) => {
      const server = new ScramServerExchange((u) => credentials.get(u));
      const client = new ScramClientExchange(user, password);
      const final = server.evaluate(client.final(server.evaluate(client.first())));
      return { server, ok: client.verify(final) };
    };
    const good = run('a,b=c', 's3cret');
    expect(good.ok).toBe(true);
    expect(good.server.complete).toBe(true);
    expect(good.server.user).toBe('a,b=c');
    expect(() => run('a,b=c', 'wrong')).toThrow(SaslFailure);
    expect(() => run('nobody', 's3cret')).toThrow('Authentication failed: Invalid user credentials');
  });

  it('refuses a replayed nonce and messages that do not parse', () => {
    const server = new ScramServerExchange(() => scramCredential('x'));
    expect(() => server.evaluate(Buffer.from('garbage'))).toThrow(/client first message/);
    const s2 = new ScramServerExchange(() => scramCredential('x'));
    s2.evaluate(Buffer.from('n,,n=u,r=abc'));
    expect(() => s2.evaluate(Buffer.from('c=biws,r=abcOTHER,p=AAAA'))).toThrow(
      'Invalid client nonce in the final client message.',
    );
  });
});

describe('PLAIN', () => {
  const users = new Map([['alice', 'pw']]);
  it('accepts the right password and refuses with Kafka’s messages', () => {
    expect(authenticatePlain(plainToken('alice', 'pw'), users)).toBe('alice');
    expect(() => authenticatePlain(plainToken('alice', 'nope'), users)).toThrow(
      'Authentication failed: Invalid username or password',
    );
    expect(() => authenticatePlain(Buffer.from('\u0000\u0000pw'), users)).toThrow(
      'Authentication failed: username not specified',
    );
    expect(() => authenticatePlain(Buffer.from('bob\u0000alice\u0000pw'), users)).toThrow('different from username');
  });
});
