import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/helpers/slow-first-sequencer.ts';

/**
 * Test files run in parallel workers. vitest's default (one fewer than the cores) means one worker
 * on a 2-core machine, but most target suites wait on JVMs, brokers and sockets rather than compute,
 * so 3 workers there cut the run's wall time (docs/tests.md); KCONFORM_TEST_WORKERS overrides it.
 */
const workers = Number(process.env.KCONFORM_TEST_WORKERS) || Math.max(3, availableParallelism() - 1);

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'runs/**'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    maxWorkers: workers,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
