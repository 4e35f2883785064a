/**
 * `--target kafka@VERSION` for a release that does not exist: one line saying so, exit 2 (the
 * spec is wrong: no retry or install helps), not Maven's output blaming the network. Contacts
 * Maven Central (a HEAD of the release's pom).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'kconform-cli-kafka-version-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function kconform(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // A cache of its own: the release must not be found there (it never is), and nothing is left in the user's.
    const env = { ...process.env, KCONFORM_CACHE_DIR: join(scratch, 'cache') };
    const child = spawn(process.execPath, [join(root, 'harness/cli/main.ts'), ...args], { cwd: scratch, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kconform ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a Kafka release that does not exist', () => {
  it('run --target kafka@4.99.0: one line naming Maven Central, exit 2', async () => {
    const r = await kconform(['run', '--target', 'kafka@4.99.0', '--scenarios', 'seed', '--out', join(scratch, 'run')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kconform: Apache Kafka 4\.99\.0 does not exist on Maven Central \(no org\.apache\.kafka:kafka_2\.13:4\.99\.0 at https:\/\/repo\.maven\.apache\.org\/maven2\/org\/apache\/kafka\/kafka_2\.13\/4\.99\.0\/kafka_2\.13-4\.99\.0\.pom\); the newest release there is \d+\.\d+\.\d+$/);
    expect(r.stderr + r.stdout).not.toMatch(/\[ERROR\]|mvn |reachable/);
  });
});
