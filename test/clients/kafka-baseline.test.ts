/**
 * The baseline of the client matrix: the same cells against Apache Kafka 4.4.0, one node and
 * three, so that a cell failing on the reference broker can be told apart from a client
 * limitation (which fails here too). Part of the full matrix: runs with KCONFORM_MATRIX=1;
 * KCONFORM_MATRIX_FEATURES=transactions,seek runs only those features.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, parseFeatures, runCellsOn } from '../../app/clients/run-matrix.ts';
import { startKafkaCluster } from '../../harness/kafka-dist/kafka-cluster.ts';
import { LATEST_KAFKA_VERSION } from '../../harness/kafka-dist/resolve-kafka.ts';
import { unexpectedCells } from './expected-outcomes.ts';

const MATRIX = process.env.KCONFORM_MATRIX === '1';
const FEATURES = process.env.KCONFORM_MATRIX_FEATURES
  ? parseFeatures(process.env.KCONFORM_MATRIX_FEATURES.split(','))
  : undefined;

describe.runIf(MATRIX).each([1, 3])(`client matrix on Kafka ${LATEST_KAFKA_VERSION}, %i node(s)`, (brokers) => {
  let kafka: Awaited<ReturnType<typeof startKafkaCluster>>;
  beforeAll(async () => {
    kafka = await startKafkaCluster({ version: LATEST_KAFKA_VERSION, brokers });
  }, 180_000);
  afterAll(async () => {
    await kafka?.stop();
  });

  it.each(DRIVERS.map((d) => [d.id, d] as const))(
    '%s: every feature has the outcome the matrix reports',
    async (_id, driver) => {
      const m = await runCellsOn(kafka.bootstrap, brokers, `kafka@${LATEST_KAFKA_VERSION}`, {
        clients: [driver],
        features: FEATURES,
      });
      expect(unexpectedCells(m.cells, m.target)).toEqual([]);
    },
    300_000,
  );
});
