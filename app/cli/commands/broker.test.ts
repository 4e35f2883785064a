import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../exit-codes.ts';
import { BUG_NAMES } from '../../../reference-broker/bugs/known-bugs.ts';
import { parseAuthorizerOptions, parseBugs, parseSaslOptions, SASL_USERS_ENV } from './broker.ts';

const dir = mkdtempSync(join(tmpdir(), 'kconform-sasl-users-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function usage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('SASL users of kconform broker', () => {
  it('reads a users file: one user:password per line, comments and blank lines skipped, passwords with : and ,', () => {
    const file = join(dir, 'users');
    writeFileSync(file, '# the users\nalice:se:cr,et\n\n  bob:pw  \n');
    const cfg = parseSaslOptions({ sasl: 'plain', saslUsersFile: file }, {});
    expect([...cfg!.plainUsers]).toEqual([
      ['alice', 'se:cr,et'],
      ['bob', 'pw'],
    ]);
  });

  it(`reads ${SASL_USERS_ENV}`, () => {
    const cfg = parseSaslOptions({ sasl: 'scram-sha-256' }, { [SASL_USERS_ENV]: 'alice:a,bob:b' });
    expect([...cfg!.scramUsers.keys()]).toEqual(['alice', 'bob']);
  });

  it('still takes --sasl-users (tests)', () => {
    expect([...parseSaslOptions({ sasl: 'plain', saslUsers: 'alice:a' }, {})!.plainUsers.keys()]).toEqual(['alice']);
  });

  it('refuses two sources, none, a bad line (file:line) and a missing file, as bad usage', () => {
    const file = join(dir, 'bad');
    writeFileSync(file, 'alice:a\nnocolon\n');
    expect(usage(() => parseSaslOptions({ sasl: 'plain', saslUsers: 'a:b' }, { [SASL_USERS_ENV]: 'c:d' }))).toContain(
      `both --sasl-users and ${SASL_USERS_ENV}`,
    );
    expect(usage(() => parseSaslOptions({ sasl: 'plain' }, {}))).toContain('--sasl-users-file');
    expect(usage(() => parseSaslOptions({ sasl: 'plain', saslUsersFile: file }, {}))).toBe(
      `${file}:2: expected user:password`,
    );
    expect(usage(() => parseSaslOptions({ sasl: 'plain', saslUsersFile: join(dir, 'nope') }, {}))).toContain(
      `cannot read --sasl-users-file ${join(dir, 'nope')}`,
    );
    expect(usage(() => parseSaslOptions({ saslUsersFile: file }, {}))).toContain('needs --sasl');
  });
});

describe('--bug of kconform broker', () => {
  it('reads known bug names, comma-separated', () => {
    expect([...parseBugs('stale-read, skip-offset')]).toEqual(['stale-read', 'skip-offset']);
    expect(parseBugs(undefined).size).toBe(0);
  });

  it('refuses an unknown name as bad usage (exit 2), listing the known ones', () => {
    const message = usage(() => parseBugs('stale-read,stale-raed'));
    expect(message).toContain('unknown bug(s) stale-raed');
    for (const name of BUG_NAMES) expect(message).toContain(name);
  });
});

describe('authorizer of kconform broker', () => {
  const STANDARD = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';

  it('is off without --authorizer-class-name, and takes super.users and allow.everyone.if.no.acl.found with it', () => {
    expect(parseAuthorizerOptions({})).toBeUndefined();
    expect(
      parseAuthorizerOptions({
        authorizerClassName: STANDARD,
        superUsers: 'User:admin; User:ops',
        allowEveryoneIfNoAclFound: true,
      }),
    ).toEqual({ superUsers: ['User:admin', 'User:ops'], allowEveryoneIfNoAclFound: true });
    expect(parseAuthorizerOptions({ authorizerClassName: STANDARD })).toEqual({
      superUsers: [],
      allowEveryoneIfNoAclFound: false,
    });
  });

  it('refuses another class, a super user that is not TYPE:NAME, and the settings without an authorizer', () => {
    expect(
      usage(() => parseAuthorizerOptions({ authorizerClassName: 'kafka.security.authorizer.AclAuthorizer' })),
    ).toMatch(/StandardAuthorizer/);
    expect(usage(() => parseAuthorizerOptions({ authorizerClassName: STANDARD, superUsers: 'admin' }))).toMatch(
      /not a principal/,
    );
    expect(usage(() => parseAuthorizerOptions({ superUsers: 'User:admin' }))).toMatch(/need --authorizer-class-name/);
  });
});
