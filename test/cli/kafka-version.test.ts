/**
 * `--target kafka@VERSION` for a release that does not exist: one line saying so, exit 2 (the
 * spec is wrong: no retry or install helps), not Maven's output blaming the network. Contacts
 * Maven Central (a HEAD of the release's pom).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kconform as runKconform } from '../helpers/kconform-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kconform-cli-kafka-version-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A cache of its own: the release must not be found there (it never is), and nothing is left in the user's.
const kconform = (args: string[]) =>
  runKconform(args, { cwd: scratch, env: { KCONFORM_CACHE_DIR: join(scratch, 'cache') }, timeoutMs: 120_000 });

describe('a Kafka release that does not exist', () => {
  it('run --target kafka@4.99.0: one line naming Maven Central, exit 2', async () => {
    const r = await kconform(['run', '--target', 'kafka@4.99.0', '--scenarios', 'seed', '--out', join(scratch, 'run')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^kconform: Apache Kafka 4\.99\.0 does not exist on Maven Central \(no org\.apache\.kafka:kafka_2\.13:4\.99\.0 at https:\/\/repo\.maven\.apache\.org\/maven2\/org\/apache\/kafka\/kafka_2\.13\/4\.99\.0\/kafka_2\.13-4\.99\.0\.pom\); the newest release there is \d+\.\d+\.\d+$/,
    );
    expect(r.stderr + r.stdout).not.toMatch(/\[ERROR\]|mvn |reachable/);
  });
});
