import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ensureKafkaClientsJars, type KafkaClientsJars } from '../codegen/fetch-specs.ts';
import { KAFKA_SPEC_VERSION } from '../codegen/spec-version.ts';
import { Writer } from '../primitives/index.ts';
import type { MessageDescriptor } from './codec-support.ts';
import * as generated from './generated/index.ts';
import { MESSAGE_SCHEMAS } from './generated/schemas.ts';
import { messageArbitrary } from './schema-arbitraries.ts';

/**
 * The strongest check there is: Kafka's own generated Java classes (kafka-clients, the version
 * the codec is generated from) read every message we encode, at every version, flexible ones
 * and tagged fields included, and write it back. They must consume every byte and write back
 * exactly our bytes — so Kafka reads each field as we meant it and we write what Kafka writes
 * (tagged fields only when not default, in tag order, unknown ones kept).
 */

const SAMPLES_PER_VERSION = 4;
const REENCODE = fileURLToPath(new URL('./java/Reencode.java', import.meta.url));

let jars: KafkaClientsJars | undefined;
let why = '';
const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
if (java.error || java.status !== 0) {
  why = 'java is not on the PATH';
} else {
  try {
    jars = ensureKafkaClientsJars(KAFKA_SPEC_VERSION);
  } catch (err) {
    why = (err as Error).message;
  }
}
if (!jars) console.warn(`java-cross-check.test.ts skipped: ${why}`);

const descriptors = generated as unknown as Record<string, MessageDescriptor<object>>;

describe.skipIf(jars === undefined)(
  `Kafka ${KAFKA_SPEC_VERSION}'s Java classes read and rewrite our encodings byte for byte`,
  () => {
    const cases: { label: string; hex: string }[] = [];
    for (const s of MESSAGE_SCHEMAS) {
      const d = descriptors[`${s.name}Message`]!;
      for (let v = s.validVersions[0]; v <= s.validVersions[1]; v++) {
        // A fixed seed per message keeps the Java run repeatable (and its failures replayable).
        const values = fc.sample(messageArbitrary(s, v), {
          numRuns: SAMPLES_PER_VERSION,
          seed: v * 7919 + s.name.length,
        });
        for (const value of values) {
          const w = new Writer();
          d.encode(w, value, v);
          cases.push({ label: `${s.name} v${v}`, hex: w.result().toString('hex') });
        }
      }
    }

    it(`covers every message and version (${cases.length} encodings)`, () => {
      const run = spawnSync('java', ['-cp', jars!.jar, REENCODE], {
        input: cases.map((c) => `${c.label.replace(' v', ' ')} ${c.hex}`).join('\n') + '\n',
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(cases.length);
      const mismatches: string[] = [];
      lines.forEach((line, i) => {
        const c = cases[i]!;
        if (line !== `OK ${c.hex}`) mismatches.push(`${c.label}: ours ${c.hex}\n  java ${line}`);
      });
      expect(mismatches.slice(0, 10).join('\n')).toBe('');
    }, 120_000);
  },
);
