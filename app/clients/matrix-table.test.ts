import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from './drivers/java-driver.ts';
import type { CellResult } from './features.ts';
import { classify, renderMatrix, type TargetMatrix } from './matrix-table.ts';
import { matrixTarget, parseFeatures, driversByIds } from './run-matrix.ts';

const cell = (
  client: string,
  feature: CellResult['feature'],
  status: CellResult['status'],
  detail = '',
): CellResult => ({ client, feature, status, detail, ms: 1 });
const clients = [
  { id: 'a', label: 'client A 1.0' },
  { id: 'b', label: 'client B 2.0' },
];

const reference: TargetMatrix = {
  target: 'reference',
  clients,
  features: ['acks=all', 'seek'],
  cells: [
    cell('a', 'acks=all', 'works'),
    cell('a', 'seek', 'fails', 'read 3,4'),
    cell('b', 'acks=all', 'fails', 'timeout'),
    cell('b', 'seek', 'limitation', 'no API'),
  ],
};
const kafka: TargetMatrix = {
  target: 'kafka@4.4.0',
  clients,
  features: ['acks=all', 'seek'],
  cells: [
    cell('a', 'acks=all', 'works'),
    cell('a', 'seek', 'works'),
    cell('b', 'acks=all', 'fails', 'timeout'),
    cell('b', 'seek', 'limitation', 'no API'),
  ],
};

describe('client matrix table', () => {
  it('puts one mark per target in each cell, in target order', () => {
    const md = renderMatrix([reference, kafka]);
    expect(md).toContain('| client | acks=all | seek |');
    expect(md).toContain('| client A 1.0 | ✅✅ | ❌✅ |');
    expect(md).toContain('| client B 2.0 | ❌❌ | ⚠️⚠️ |');
  });

  it('calls a failure that Kafka does not share a broker difference, and a shared one a client limitation', () => {
    const all = [reference, kafka];
    expect(classify(all, 'a', 'seek', 'reference')).toBe('works on kafka@4.4.0: a reference-broker difference');
    expect(classify(all, 'b', 'acks=all', 'reference')).toBe(
      'fails on kafka@4.4.0 too: a client limitation, not a broker difference',
    );
    expect(classify(all, 'b', 'acks=all', 'kafka@4.4.0')).toBe(
      'fails on Kafka itself: a client limitation, not a broker difference',
    );
    expect(classify(all, 'b', 'seek', 'reference')).toBe('client limitation');
    expect(classify([reference], 'a', 'seek', 'reference')).toBe('no Kafka baseline in this run');
    expect(renderMatrix(all)).toContain(
      '- ❌ **client A 1.0**, seek, on reference: read 3,4 — works on kafka@4.4.0: a reference-broker difference',
    );
  });

  it('parses what ConsoleConsumer prints with partition, offset, headers and key', () => {
    expect(parseConsoleLine('Partition:1\tOffset:4\ttrace:t-4,source:kconform\t4\t7.4')).toEqual({
      partition: 1,
      offset: 4,
      headers: [
        ['trace', 't-4'],
        ['source', 'kconform'],
      ],
      key: '4',
      value: '7.4',
    });
    expect(parseConsoleLine('Partition:0\tOffset:0\tNO_HEADERS\tnull\tv')).toEqual({
      partition: 0,
      offset: 0,
      headers: [],
      key: null,
      value: 'v',
    });
    expect(parseConsoleLine('Processed a total of 1 messages')).toBeUndefined();
  });

  it('names targets, clients and features, refusing unknown ones with the known list', () => {
    expect(matrixTarget('reference3')).toEqual({ spec: { kind: 'reference' }, brokers: 3 });
    expect(matrixTarget('kafka@4.4.0')).toEqual({
      spec: { kind: 'kafka', version: '4.4.0', zookeeper: false },
      brokers: 1,
    });
    expect(matrixTarget('kafka@4.4.0/3').brokers).toBe(3);
    expect(() => matrixTarget('redpanda')).toThrow(/unknown target/);
    expect(() => driversByIds(['kafkajs', 'sarama'])).toThrow(
      /unknown client 'sarama': expected kafkajs, platformatic, java, confluent-python/,
    );
    expect(() => parseFeatures(['acks=2'])).toThrow(/unknown feature 'acks=2'/);
  });
});
