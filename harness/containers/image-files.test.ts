import { describe, expect, it } from 'vitest';
import { checkImageVersion, JRE_IMAGE, kafkaContainerfile, kafkaImageName, upstreamKafkaImage } from './image-files.ts';

describe('image names', () => {
  it('names the local and the upstream image of a release', () => {
    expect(kafkaImageName('4.4.0')).toBe('localhost/kconform-kafka:4.4.0');
    expect(upstreamKafkaImage('4.4.0')).toBe('apache/kafka:4.4.0');
  });
});

describe('kafkaContainerfile', () => {
  it('builds on the local JRE image with the cached jars, the log config and the entrypoint', () => {
    const text = kafkaContainerfile('4.4.0');
    expect(text).toContain(`FROM ${JRE_IMAGE}`);
    expect(text).toContain('COPY lib/ /opt/kafka/lib/');
    expect(text).toContain('-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties');
    expect(text).toMatch(/ENTRYPOINT \["\/bin\/sh", "\/opt\/kafka\/bin\/kafka-entrypoint.sh"\]/);
    // podman would list an exposed port as a binding testcontainers then waits for forever.
    expect(text).not.toMatch(/^EXPOSE/m);
  });

  it('uses the log4j 1 config for 3.x', () => {
    expect(kafkaContainerfile('3.9.2')).toContain('-Dlog4j.configuration=file:/opt/kafka/config/log4j.properties');
  });
});

describe('checkImageVersion', () => {
  it('accepts KRaft releases and sends ZooKeeper-only ones to kafka@', () => {
    expect(() => checkImageVersion('3.9.2')).not.toThrow();
    expect(() => checkImageVersion('4.4.0')).not.toThrow();
    expect(() => checkImageVersion('2.7.0')).toThrow(/kafka@2.7.0/);
    expect(() => checkImageVersion('nope')).toThrow(RangeError);
  });
});
