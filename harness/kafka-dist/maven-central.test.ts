import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyMavenFailure,
  kafkaPomUrl,
  mavenErrorLine,
  newestKafkaRelease,
  probeKafkaRelease,
} from './maven-central.ts';

// Maven 3's own words, captured from `mvn -q -B dependency:copy-dependencies` on the generated pom.
const NOT_FOUND =
  '\u001b[0m\u001b[0m[ERROR] Failed to execute goal on project kafka-4.99.0: Could not resolve dependencies for project dev.kconform.dist:kafka-4.99.0:pom:1: The following artifacts could not be resolved: org.apache.kafka:kafka_2.13:jar:4.99.0, org.apache.kafka:kafka-tools:jar:4.99.0: Could not find artifact org.apache.kafka:kafka_2.13:jar:4.99.0 in central (https://repo.maven.apache.org/maven2) -> [Help 1]\n[ERROR] \n[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.';
const NOT_FOUND_CACHED =
  '[ERROR] Failed to execute goal on project kafka-4.99.0: Could not resolve dependencies for project dev.kconform.dist:kafka-4.99.0:pom:1: org.apache.kafka:kafka_2.13:jar:4.99.0 was not found in https://repo.maven.apache.org/maven2 during a previous attempt. This failure was cached in the local repository and resolution is not reattempted until the update interval of central has elapsed or updates are forced -> [Help 1]';
const REFUSED =
  '[ERROR] Plugin org.apache.maven.plugins:maven-dependency-plugin:2.8 or one of its dependencies could not be resolved: Failed to read artifact descriptor for org.apache.maven.plugins:maven-dependency-plugin:jar:2.8: Could not transfer artifact org.apache.maven.plugins:maven-dependency-plugin:pom:2.8 from/to m (http://127.0.0.1:1/maven2): transfer failed for http://127.0.0.1:1/maven2/org/apache/maven/plugins/maven-dependency-plugin/2.8/maven-dependency-plugin-2.8.pom: Connect to 127.0.0.1:1 [/127.0.0.1] failed: Connection refused -> [Help 1]';
const UNKNOWN_HOST =
  '[ERROR] Plugin org.apache.maven.plugins:maven-dependency-plugin:2.8 or one of its dependencies could not be resolved: Failed to read artifact descriptor for org.apache.maven.plugins:maven-dependency-plugin:jar:2.8: Could not transfer artifact org.apache.maven.plugins:maven-dependency-plugin:pom:2.8 from/to m (http://repo.nonexistent.invalid/maven2): transfer failed for http://repo.nonexistent.invalid/maven2/org/apache/maven/plugins/maven-dependency-plugin/2.8/maven-dependency-plugin-2.8.pom: Unknown host repo.nonexistent.invalid: Name or service not known -> [Help 1]';
const NO_PLUGIN =
  "[ERROR] No plugin found for prefix 'dependency' in the current project and in the plugin groups [org.apache.maven.plugins, org.codehaus.mojo] available from the repositories [local (/root/.m2/repository), m (http://127.0.0.1:1/maven2)] -> [Help 1]";
const OFFLINE =
  '[ERROR] Failed to execute goal on project kafka-4.98.0: Could not resolve dependencies for project dev.kconform.dist:kafka-4.98.0:pom:1: Cannot access central (https://repo.maven.apache.org/maven2) in offline mode and the artifact org.apache.kafka:kafka_2.13:jar:4.98.0 has not been downloaded from it before. -> [Help 1]';

describe('classifyMavenFailure', () => {
  it('tells a release Maven Central does not have from a repository Maven cannot reach', () => {
    expect(classifyMavenFailure(NOT_FOUND, '4.99.0')).toBe('missing');
    expect(classifyMavenFailure(NOT_FOUND_CACHED, '4.99.0')).toBe('missing');
    for (const out of [REFUSED, UNKNOWN_HOST, NO_PLUGIN])
      expect(classifyMavenFailure(out, '4.4.0')).toBe('unreachable');
    expect(classifyMavenFailure(OFFLINE, '4.98.0')).toBe('unreachable');
    expect(classifyMavenFailure('[ERROR] something else entirely', '4.4.0')).toBe('other');
  });
  it('does not take another release missing for this one', () => {
    expect(classifyMavenFailure(NOT_FOUND, '4.9.0')).toBe('other');
  });
  it("keeps Maven's first error line, without colour codes or the help pointer", () => {
    expect(mavenErrorLine(NOT_FOUND)).toMatch(
      /^Failed to execute goal on project kafka-4\.99\.0: .* in central \(https:\/\/repo\.maven\.apache\.org\/maven2\)$/,
    );
    expect(mavenErrorLine('nothing here')).toBeUndefined();
  });
});

/** A base URL on a loopback port nothing listens on (a port just released). */
async function deadBase(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/maven2`;
}

describe('probeKafkaRelease and newestKafkaRelease (a local repository)', () => {
  let server: Server;
  let base: string;
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      if (req.url === '/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.pom') res.writeHead(200).end();
      else if (req.url === '/maven2/org/apache/kafka/kafka_2.13/5.0.0/kafka_2.13-5.0.0.pom') res.writeHead(503).end();
      else if (req.url === '/maven2/org/apache/kafka/kafka_2.13/maven-metadata.xml')
        res
          .writeHead(200)
          .end('<metadata><versioning><latest>4.4.0</latest><release>4.4.0</release></versioning></metadata>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/maven2`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks with one HEAD of the release pom: 200 exists, 404 does not, anything else cannot tell', async () => {
    expect(await probeKafkaRelease('4.4.0', { base })).toEqual({ found: true });
    expect(await probeKafkaRelease('4.99.0', { base })).toEqual({ found: false, url: kafkaPomUrl('4.99.0', base) });
    expect(await probeKafkaRelease('5.0.0', { base })).toEqual({
      found: 'unknown',
      reason: `HEAD ${kafkaPomUrl('5.0.0', base)} answered HTTP 503`,
    });
    expect(asked).toContain('HEAD /maven2/org/apache/kafka/kafka_2.13/4.99.0/kafka_2.13-4.99.0.pom');
  });
  it('cannot tell when nothing listens', async () => {
    const probe = await probeKafkaRelease('4.4.0', { base: await deadBase() });
    expect(probe).toMatchObject({ found: 'unknown', reason: expect.stringContaining('ECONNREFUSED') });
  });
  it('reads the newest release from maven-metadata.xml, or nothing', async () => {
    expect(await newestKafkaRelease({ base })).toBe('4.4.0');
    expect(await newestKafkaRelease({ base: await deadBase() })).toBeUndefined();
  });
  it('points at Maven Central by default', () => {
    expect(kafkaPomUrl('2.7.0')).toBe(
      'https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/2.7.0/kafka_2.13-2.7.0.pom',
    );
  });
});
