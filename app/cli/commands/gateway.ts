import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { registerCleanup } from '../../../harness/cleanup/cleanup-registry.ts';
import { startGateway } from '../../gateway/gateway-server.ts';
import type { Acks } from '../../load/load-options.ts';
import { parseTargetSpec, type TargetSpec } from '../../../harness/targets/target-spec.ts';
import { startTarget, TargetUnavailableError } from '../../../harness/targets/target.ts';
import type { CompressionName } from '../../../protocol/records/batch-header.ts';
import { targetError, usageError } from '../exit-codes.ts';
import { newRunId } from '../scenario-selection.ts';
import { checkOutputDir } from '../output-paths.ts';

/** Options of `kconform gateway` as commander parsed them. */
export interface GatewayCommandOptions {
  target: string;
  brokers: number;
  host: string;
  port: number;
  acks: Acks;
  compression: CompressionName;
  out?: string;
}

/**
 * `kconform gateway`: starts the target and serves the REST Proxy v3 produce subset in front of
 * it until Ctrl-C, which stops the gateway and then the target.
 */
export async function gatewayCommand(opts: GatewayCommandOptions): Promise<void> {
  let spec: TargetSpec;
  try {
    spec = parseTargetSpec(opts.target);
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const runDir = checkOutputDir(opts.out ?? join('runs', newRunId()));
  let target;
  try {
    target = await startTarget(spec, runDir, { brokers: opts.brokers });
  } catch (err) {
    if (err instanceof TargetUnavailableError) throw targetError(err.message, err.badSpec);
    throw err;
  }
  const clientLog = createWriteStream(join(runDir, 'gateway-client.log'));
  let gateway;
  try {
    gateway = await startGateway({
      bootstrap: target.bootstrap,
      host: opts.host,
      port: opts.port,
      acks: opts.acks,
      compression: opts.compression,
      clientLog,
    });
  } catch (err) {
    await target.stop();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL')
      throw usageError(`cannot listen on ${opts.host}:${opts.port}: ${e.message}`);
    throw targetError(`cannot reach ${opts.target} at ${target.bootstrap}: ${e.message}`);
  }
  const running = gateway;
  // Registered after the target, so Ctrl-C closes the gateway first, then stops the target.
  registerCleanup('close the gateway', async () => {
    await running.close();
    await new Promise<void>((r) => clientLog.end(() => r()));
  });
  process.stdout.write(
    `kconform gateway ready on ${running.url} (cluster ${running.clusterId}) in front of ${opts.target} at ${target.bootstrap}\n`,
  );
  process.stdout.write(
    `  POST ${running.url}/v3/clusters/${running.clusterId}/topics/TOPIC/records  {"value": {"type": "JSON", "data": {...}}}\n`,
  );
  process.stdout.write(`  GET  ${running.url}/v3/clusters\n`);
  await new Promise<never>(() => {});
}
