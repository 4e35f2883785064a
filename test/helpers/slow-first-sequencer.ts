/**
 * Test file order for `./kconform test`: the slowest target suites start first, so that with
 * several workers the longest file does not begin last and stretch the run. vitest orders files by
 * the durations it cached from earlier runs, but a fresh clone (CI) has none and falls back to file
 * size, which puts the slowest files (four-line failover-*.test.ts) at the very end.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, slowest first, as measured in a full run with 3 workers on a busy 2-core
 * machine (2026-12-07: from 335 s down to 70 s). A file missing here still runs, after these, in vitest's own
 * order; keep the list to the files over a minute or so.
 */
export const SLOW_FILES = [
  'test/scenarios/failover-kafka.test.ts',
  'test/conformance/conform-command.test.ts',
  'test/kafka-dist/kafka-node.test.ts',
  'test/scenarios/replication-bugs.test.ts',
  'test/certify/certify-reference.test.ts',
  'test/clients/reference-cluster.test.ts',
  'test/targets/kafka-cluster.test.ts',
  'test/targets/external-faults.test.ts',
  'test/scenarios/known-bugs.test.ts',
  'test/console/kafka-admin-tools.test.ts',
  'test/kafka-dist/kafka-node-lifecycle.test.ts',
  'test/cli/interrupt.test.ts',
  'test/reference-broker/cluster.test.ts',
  'test/scenarios/old-kafka.test.ts',
  'test/cli/compare-replay.test.ts',
  'test/scenarios/under-min-isr.test.ts',
  'test/scenarios/long-poll.test.ts',
  'test/runner/shrink-schedule.test.ts',
  'test/examples/campaign-examples.test.ts',
  'test/clients/java-consumer-protocol.test.ts',
  'test/clients/reference-single.test.ts',
  'test/scenarios/failover-reference.test.ts',
  'test/scenarios/durability.test.ts',
  'test/cli/help.test.ts',
];

/** Position of a file in {@link SLOW_FILES}, or the list's length when it is not there. */
export function slowRank(moduleId: string): number {
  const i = SLOW_FILES.findIndex((f) => moduleId.endsWith(`/${f}`));
  return i < 0 ? SLOW_FILES.length : i;
}

/** vitest's sequencer with {@link SLOW_FILES} moved to the front, in their order. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => slowRank(a.moduleId) - slowRank(b.moduleId));
  }
}
