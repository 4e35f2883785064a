import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../reference-broker/logger.ts';
import { startBroker } from '../../reference-broker/server.ts';
import type { TargetSpec } from './target-spec.ts';

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

/** Starts (or, for external targets, names) the target of a run; logs go under `runDir`. */
export async function startTarget(spec: TargetSpec, runDir: string): Promise<StartedTarget> {
  switch (spec.kind) {
    case 'reference': {
      const logFile = join(runDir, 'reference-broker.log');
      const out = createWriteStream(logFile);
      const running = await startBroker({ port: 0 }, createLogger('broker', 'info', out));
      const stop = async () => {
        await running.close();
        await new Promise<void>((resolve) => out.end(() => resolve()));
      };
      return { spec, bootstrap: running.bootstrap, fresh: true, logFiles: [logFile], stop, [Symbol.asyncDispose]: stop };
    }
    case 'external': {
      const stop = async () => {};
      return { spec, bootstrap: `${spec.host}:${spec.port}`, fresh: false, logFiles: [], stop, [Symbol.asyncDispose]: stop };
    }
    default:
      throw new TargetUnavailableError(`target kind '${spec.kind}' is not implemented yet (owned by the Targets issue #4)`);
  }
}
