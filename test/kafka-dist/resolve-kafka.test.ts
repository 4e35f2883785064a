/**
 * Resolving real Apache Kafka releases from Maven Central (needs `mvn`, `java` and the
 * registry). Uses a fresh cache root per test so cold paths are really cold (Maven's own
 * ~/.m2 still speeds up repeats).
 */
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../harness/kafka-dist/prerequisites.ts';
import { LATEST_KAFKA_VERSION, resolveKafka } from '../../harness/kafka-dist/resolve-kafka.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kconform-resolve-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe(`resolveKafka(${LATEST_KAFKA_VERSION})`, () => {
  it('resolves once for two concurrent callers, then answers from the cache without Maven', {
    timeout: 600_000,
  }, async () => {
    const cacheDir = join(root, 'concurrent');
    const t0 = performance.now();
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const [a, b] = await Promise.all([
      resolveKafka(LATEST_KAFKA_VERSION, { cacheDir, log }),
      resolveKafka(LATEST_KAFKA_VERSION, { cacheDir, log }),
    ]);
    const coldMs = performance.now() - t0;
    // The first download says what it fetches, then how much and how long (it is silent otherwise for ~15 s).
    expect(lines.filter((l) => l.startsWith(`downloading Apache Kafka ${LATEST_KAFKA_VERSION} `))).toHaveLength(1);
    expect(lines.filter((l) => /^Apache Kafka \S+ ready: \d+ jars, \d+\.\d MiB, in \d+\.\d s$/.test(l))).toHaveLength(
      1,
    );
    expect(a).toEqual(b);
    expect(a.home).toBe(join(cacheDir, 'kafka', LATEST_KAFKA_VERSION));
    expect(a.classpath).toBe(join(a.home, 'lib', '*'));
    const jars = await readdir(a.libDir);
    expect(jars).toContain(`kafka_2.13-${LATEST_KAFKA_VERSION}.jar`);
    expect(jars).toContain(`kafka-tools-${LATEST_KAFKA_VERSION}.jar`);
    expect(jars.some((j) => j.startsWith('log4j-slf4j2-impl-'))).toBe(true);
    // Nothing but the finished release is left next to it: no lock, no temporary directory.
    expect(await readdir(join(cacheDir, 'kafka'))).toEqual([LATEST_KAFKA_VERSION]);

    // Warm: with no mvn reachable at all, it must still answer, and fast.
    const java = findOnPath('java')!;
    const bin = join(root, 'bin-java-only');
    await mkdir(bin, { recursive: true });
    await symlink(java, join(bin, 'java')).catch(() => undefined);
    const t1 = performance.now();
    const warm = await resolveKafka(LATEST_KAFKA_VERSION, { cacheDir, env: { PATH: bin } });
    const warmMs = performance.now() - t1;
    expect(warm.libDir).toBe(a.libDir);
    expect(warmMs).toBeLessThan(1_000);
    console.log(
      `resolve ${LATEST_KAFKA_VERSION}: cold ${Math.round(coldMs)} ms (two concurrent callers), warm ${Math.round(warmMs)} ms`,
    );
  });

  it('redoes an interrupted resolve (no marker) and sweeps its leftovers', { timeout: 600_000 }, async () => {
    const cacheDir = join(root, 'interrupted');
    const kafkaDir = join(cacheDir, 'kafka');
    // What a killed resolve of an older layout, or a killed temp resolve, leaves behind.
    await mkdir(join(kafkaDir, LATEST_KAFKA_VERSION, 'lib'), { recursive: true });
    await writeFile(join(kafkaDir, LATEST_KAFKA_VERSION, 'lib', 'half.jar'), '');
    await mkdir(join(kafkaDir, `.${LATEST_KAFKA_VERSION}.tmp-dead`), { recursive: true });
    // A lock whose owner is gone.
    await writeFile(join(kafkaDir, `${LATEST_KAFKA_VERSION}.lock`), '999999999\n');

    const dist = await resolveKafka(LATEST_KAFKA_VERSION, { cacheDir });
    const jars = await readdir(dist.libDir);
    expect(jars).not.toContain('half.jar');
    expect(jars).toContain(`kafka_2.13-${LATEST_KAFKA_VERSION}.jar`);
    expect(await readdir(kafkaDir)).toEqual([LATEST_KAFKA_VERSION]);
    await expect(stat(join(dist.home, 'log4j2.properties'))).resolves.toBeTruthy();
  });
});
