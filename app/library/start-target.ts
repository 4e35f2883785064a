/**
 * `startTarget(spec)`: any broker kconform can start or reach — real Apache Kafka from its
 * release jars (`kafka@4.4.0`), a container, the reference broker, an external broker — started
 * through the harness's target registry and waited for as `kconform run` does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTargetSpec, type TargetSpec } from '../../harness/targets/target-spec.ts';
import { startTarget as startHarnessTarget, type StartedTarget } from '../../harness/targets/target.ts';
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';
import { bugOption, intOption, KconformUsageError, refuseUnknownOptions } from './library-error.ts';

/** Options of {@link startTarget}. */
export interface StartTargetOptions {
  /** Nodes, where the kind starts a cluster (default 1). */
  brokers?: number;
  /** Where node data and logs go, kept after dispose (default a temporary directory, removed on dispose). */
  dir?: string;
  /** Known reference-broker bugs to switch on (reference targets only). */
  bugs?: readonly BugName[];
}

/** A started target: `bootstrap`, its `nodes` and `faults` (what kconform may do to it). Dispose it to stop it. */
export type Target = StartedTarget<TargetSpec>;

const KNOWN = ['brokers', 'dir', 'bugs'] as const;

/**
 * Starts the target `spec` names (`'kafka@4.4.0'`, `'kafka@3.9.2,zk'`, `'container@apache/kafka:4.4.0'`,
 * `'reference'`, `'external@host:9092'`) and resolves once it answers Metadata. Kafka jars are
 * fetched once from Maven Central into ~/.cache/kconform (Java 17 must be installed).
 *
 * @throws KconformUsageError on a spec that does not parse or bad options
 * @throws TargetUnavailableError when the target cannot be started or reached here (the message says what to install)
 */
export async function startTarget(spec: string, options: StartTargetOptions = {}): Promise<Target> {
  refuseUnknownOptions('startTarget', options, KNOWN);
  if (typeof spec !== 'string')
    throw new KconformUsageError(`startTarget: spec must be a string such as 'kafka@4.4.0'`);
  let parsed: TargetSpec;
  try {
    parsed = parseTargetSpec(spec);
  } catch (err) {
    throw new KconformUsageError((err as Error).message);
  }
  const brokers = intOption('brokers', options.brokers ?? 1, 1, 9);
  const own = options.dir === undefined ? await mkdtemp(join(tmpdir(), 'kconform-target-')) : undefined;
  const removeOwn = () => (own ? rm(own, { recursive: true, force: true }) : Promise.resolve());
  let target: Target;
  try {
    target = await startHarnessTarget(parsed, options.dir ?? own!, {
      brokers,
      bugs: options.bugs ? new Set(bugOption(options.bugs)) : undefined,
    });
  } catch (err) {
    await removeOwn();
    throw err;
  }
  if (!own) return target;
  const stop = () => target.stop().finally(removeOwn);
  return { ...target, stop, [Symbol.asyncDispose]: stop };
}
