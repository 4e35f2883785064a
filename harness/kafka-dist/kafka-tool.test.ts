import { describe, expect, it } from 'vitest';
import { consoleConsumerClass, consoleProducerClass, kafkaJavaArgs } from './kafka-tool.ts';
import type { KafkaDist } from './resolve-kafka.ts';

describe('console tool classes', () => {
  // Checked by listing the resolved jars of 4.4.0, 4.3.1, 3.9.2 and 2.7.0.
  it.each([
    ['4.4.0', 'org.apache.kafka.tools.ConsoleProducer', 'org.apache.kafka.tools.consumer.ConsoleConsumer'],
    ['4.3.1', 'org.apache.kafka.tools.ConsoleProducer', 'org.apache.kafka.tools.consumer.ConsoleConsumer'],
    ['3.9.2', 'kafka.tools.ConsoleProducer', 'org.apache.kafka.tools.consumer.ConsoleConsumer'],
    ['3.6.2', 'kafka.tools.ConsoleProducer', 'kafka.tools.ConsoleConsumer'],
    ['2.7.0', 'kafka.tools.ConsoleProducer', 'kafka.tools.ConsoleConsumer'],
  ])('%s', (version, producer, consumer) => {
    expect(consoleProducerClass(version)).toBe(producer);
    expect(consoleConsumerClass(version)).toBe(consumer);
  });
});

describe('kafkaJavaArgs', () => {
  const dist: KafkaDist = {
    version: '4.4.0',
    home: '/c/4.4.0',
    libDir: '/c/4.4.0/lib',
    classpath: '/c/4.4.0/lib/*',
    javaBin: '/usr/bin/java',
    log4jArgs: ['-Dlog4j2.configurationFile=/c/4.4.0/log4j2.properties'],
  };

  it('puts JVM options, logging, classpath, class and arguments in order', () => {
    expect(
      kafkaJavaArgs(dist, 'kafka.Kafka', ['server.properties'], { jvmArgs: ['-Xmx1g'], logLevel: 'INFO' }),
    ).toEqual([
      '-Xmx1g',
      '-Dlog4j2.configurationFile=/c/4.4.0/log4j2.properties',
      '-Dkconform.log.level=INFO',
      '-cp',
      '/c/4.4.0/lib/*',
      'kafka.Kafka',
      'server.properties',
    ]);
  });

  it('defaults tools to WARN', () => {
    expect(kafkaJavaArgs(dist, 'X', [])).toContain('-Dkconform.log.level=WARN');
  });
});
