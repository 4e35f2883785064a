/**
 * `kconform broker --sasl plain` with its users from a file or KCONFORM_SASL_USERS: clients
 * authenticate with them, and the passwords are not on the command line (`ps` shows that to
 * every local user).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { plainToken } from '../../reference-broker/auth/plain.ts';
import { spawnBroker, waitReady } from '../helpers/broker-process.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'kconform-sasl-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** PLAIN login on a fresh connection; the SaslAuthenticate error code. */
async function plainLogin(bootstrap: string, user: string, password: string): Promise<number> {
  const c = await RawClient.connect(bootstrap);
  try {
    const h = await c.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    expect(h.errorCode).toBe(0);
    const a = await c.request(ApiKey.SaslAuthenticate, 2, { authBytes: plainToken(user, password) });
    return a.errorCode;
  } finally {
    c.close();
  }
}

describe('SASL users kept off the command line', () => {
  it.each([
    ['--sasl-users-file', () => ({ args: ['--sasl-users-file', join(dir, 'users')], env: {} })],
    ['KCONFORM_SASL_USERS', () => ({ args: [], env: { KCONFORM_SASL_USERS: 'alice:s3cret-pw,bob:other' } })],
  ])(
    'authenticates users given by %s; the password is not in the process command line',
    async (_name, how) => {
      writeFileSync(join(dir, 'users'), '# users\nalice:s3cret-pw\nbob:other\n', { mode: 0o600 });
      const { args, env } = how();
      const p = spawnBroker(['--port', '0', '--sasl', 'plain', ...args], { env });
      try {
        const bootstrap = await waitReady(p);
        expect(readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8')).not.toContain('s3cret');
        expect(await plainLogin(bootstrap, 'alice', 's3cret-pw')).toBe(0);
        expect(await plainLogin(bootstrap, 'alice', 'wrong')).not.toBe(0);
      } finally {
        await p.stop();
      }
    },
    60_000,
  );
});
