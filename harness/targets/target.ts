import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../reference-broker/logger.ts';
import { startBroker } from '../../reference-broker/server.ts';
import type { TargetSpec } from './target-spec.ts';
import { RawClient } from '../drivers/raw-client.ts';
import { KafkaResolveError, KafkaStartError, PrerequisiteError, startKafkaNode } from '../kafka-dist/index.ts';

const API_VERSIONS = 18;

/** A started broker (or cluster) under test. Disposing it stops whatever kconform started. */
export interface StartedTarget extends AsyncDisposable {
  readonly spec: TargetSpec;
  /** bootstrap.servers for clients. */
  readonly bootstrap: string;
  /** True when kconform started the target fresh for this run (its topics start empty). */
  readonly fresh: boolean;
  /** Files with the target's own logs, kept in the run directory. */
  readonly logFiles: string[];
  stop(): Promise<void>;
}

/** Thrown when a target cannot be started or reached; the CLI exits with code 3. */
export class TargetUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUnavailableError';
  }
}

/** Checks that a broker answers ApiVersions at `bootstrap`, so an unreachable target is exit 3, not a failed run. */
async function probe(bootstrap: string): Promise<void> {
  let client: RawClient | undefined;
  try {
    client = await RawClient.connect(bootstrap, 'kconform-probe', 5000);
    await client.request(API_VERSIONS, 0, {}, 5000);
  } catch (err) {
    throw new TargetUnavailableError(`no Kafka broker answers at ${bootstrap}: ${(err as Error).message}`);
  } finally {
    client?.close();
  }
}

/** Starts (or, for external targets, names) the target of a run; logs go under `runDir`. */
export async function startTarget(spec: TargetSpec, runDir: string, opts: { bugs?: ReadonlySet<string> } = {}): Promise<StartedTarget> {
  if (opts.bugs?.size && spec.kind !== 'reference') throw new TargetUnavailableError('known bugs (--bug) exist only in the reference broker');
  switch (spec.kind) {
    case 'reference': {
      const logFile = join(runDir, 'reference-broker.log');
      const out = createWriteStream(logFile);
      const running = await startBroker({ port: 0, bugs: opts.bugs ?? new Set() }, createLogger('broker', 'info', out));
      const stop = async () => {
        await running.close();
        await new Promise<void>((resolve) => out.end(() => resolve()));
      };
      return { spec, bootstrap: running.bootstrap, fresh: true, logFiles: [logFile], stop, [Symbol.asyncDispose]: stop };
    }
    case 'kafka': {
      try {
        // The node's data, config and log stay in the run directory, next to the history they explain.
        const node = await startKafkaNode({ version: spec.version, mode: spec.zookeeper ? 'zookeeper' : 'kraft', dataDir: join(runDir, 'kafka-node-1') });
        const stop = () => node.stop();
        return { spec, bootstrap: node.bootstrap, fresh: true, logFiles: [node.logFile], stop, [Symbol.asyncDispose]: stop };
      } catch (err) {
        if (err instanceof PrerequisiteError || err instanceof KafkaResolveError || err instanceof KafkaStartError || err instanceof RangeError) {
          throw new TargetUnavailableError(err.message);
        }
        throw err;
      }
    }
    case 'external': {
      const bootstrap = `${spec.host}:${spec.port}`;
      await probe(bootstrap);
      const stop = async () => {};
      return { spec, bootstrap, fresh: false, logFiles: [], stop, [Symbol.asyncDispose]: stop };
    }
    default:
      throw new TargetUnavailableError(`target kind '${spec.kind}' is not implemented yet (owned by the Targets issue #4)`);
  }
}
