import { describe, expect, it } from 'vitest';
import { distDependencies, distPom } from './dist-pom.ts';
import { parseKafkaVersion } from './kafka-version.ts';
import { logConfigFor } from './log-config.ts';

const coords = (version: string): string[] =>
  distDependencies(parseKafkaVersion(version)).map((d) => `${d.groupId}:${d.artifactId}`);

describe('distDependencies', () => {
  it('4.x: core, tools and a log4j2 binding with slf4j 2 pinned', () => {
    expect(coords('4.4.0')).toEqual([
      'org.apache.kafka:kafka_2.13',
      'org.apache.kafka:kafka-tools',
      'org.apache.logging.log4j:log4j-core',
      'org.apache.logging.log4j:log4j-slf4j2-impl',
      'org.slf4j:slf4j-api',
    ]);
    const slf4j = distDependencies(parseKafkaVersion('4.4.0')).find((d) => d.artifactId === 'slf4j-api');
    expect(slf4j?.version).toMatch(/^2\./);
  });

  it('3.9: core, tools and reload4j', () => {
    expect(coords('3.9.2')).toEqual([
      'org.apache.kafka:kafka_2.13',
      'org.apache.kafka:kafka-tools',
      'ch.qos.reload4j:reload4j',
      'org.slf4j:slf4j-reload4j',
      'org.slf4j:slf4j-api',
    ]);
  });

  it('2.x: no kafka-tools artifact exists, the console tools are in core', () => {
    expect(coords('2.7.0')).not.toContain('org.apache.kafka:kafka-tools');
    expect(coords('2.7.0')[0]).toBe('org.apache.kafka:kafka_2.13');
  });

  it('pins the Kafka artifacts to the requested release', () => {
    const pom = distPom(parseKafkaVersion('3.9.2'));
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>3.9.2</version>');
    expect(pom).toContain('<packaging>pom</packaging>');
  });
});

describe('logConfigFor', () => {
  it('4.x uses log4j2 with the level from a system property, logging to stderr', () => {
    const c = logConfigFor(parseKafkaVersion('4.4.0'));
    expect(c.fileName).toBe('log4j2.properties');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j2 lookup, literally
    expect(c.text).toContain('rootLogger.level = ${sys:kconform.log.level:-WARN}');
    expect(c.text).toContain('SYSTEM_ERR');
    expect(c.jvmArgs('/x/log4j2.properties')).toEqual(['-Dlog4j2.configurationFile=/x/log4j2.properties']);
  });

  it('2.x/3.x use log4j 1 syntax through reload4j', () => {
    const c = logConfigFor(parseKafkaVersion('2.7.0'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j 1 variable, literally
    expect(c.text).toContain('log4j.rootLogger=${kconform.log.level}, stderr');
    expect(c.jvmArgs('/x/log4j.properties')).toEqual(['-Dlog4j.configuration=file:/x/log4j.properties']);
  });
});
