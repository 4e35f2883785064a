/**
 * Runs the client matrix on one target: starts it (or reaches it), prepares each client, runs
 * every feature cell in turn (one at a time: the machine is small and cells must not disturb
 * each other's groups), and stops the target.
 */
import { mkdir } from 'node:fs/promises';
import { registerCleanup } from '../../harness/cleanup/cleanup-registry.ts';
import { parseTargetSpec, type TargetSpec } from '../../harness/targets/target-spec.ts';
import { startTarget, TargetUnavailableError, type StartedTarget } from '../../harness/targets/target.ts';
import { ClientUnavailable, type ClientDriver } from './client-driver.ts';
import { confluentPythonDriver } from './drivers/confluent-python-driver.ts';
import { javaDriver } from './drivers/java-driver.ts';
import { kafkajsDriver } from './drivers/kafkajs-driver.ts';
import { platformaticDriver } from './drivers/platformatic-driver.ts';
import { FEATURES, runCell, type CellResult, type Feature } from './features.ts';
import type { TargetMatrix } from './matrix-table.ts';
import { NeutralIO } from './neutral-io.ts';

/** Every client of the matrix, in table order. */
export const DRIVERS: readonly ClientDriver[] = [kafkajsDriver, platformaticDriver, javaDriver, confluentPythonDriver];

/** The matrix's target names: `reference` (one node, in process), `reference3` (3-node cluster), any `--target` SPEC, or SPEC/N for N nodes (`kafka@4.4.0/3`). */
export function matrixTarget(name: string): { spec: TargetSpec; brokers: number } {
  if (name === 'reference3') return { spec: parseTargetSpec('reference'), brokers: 3 };
  const m = /^(.*)\/(\d)$/.exec(name);
  if (m) return { spec: parseTargetSpec(m[1]!), brokers: Number(m[2]) };
  return { spec: parseTargetSpec(name), brokers: 1 };
}

/** Looks drivers up by id; throws naming the known ones. */
export function driversByIds(ids: readonly string[]): ClientDriver[] {
  return ids.map((id) => {
    const d = DRIVERS.find((x) => x.id === id);
    if (!d) throw new Error(`unknown client '${id}': expected ${DRIVERS.map((x) => x.id).join(', ')}`);
    return d;
  });
}

/** Checks feature names; throws naming the known ones. */
export function parseFeatures(names: readonly string[]): Feature[] {
  return names.map((n) => {
    if (!(FEATURES as readonly string[]).includes(n))
      throw new Error(`unknown feature '${n}': expected ${FEATURES.join(', ')}`);
    return n as Feature;
  });
}

/** Options of {@link runMatrixOn}. */
export interface MatrixOptions {
  clients?: readonly ClientDriver[];
  features?: readonly Feature[];
  /** Run directory: the target's logs and each cell's history (none: histories stay in memory; runMatrixOn needs one). */
  outDir?: string;
  log?: (line: string) => void;
  /** Per produce or consume. */
  timeoutMs?: number;
}

/** Runs the cells on an already started target (tests share one target between files' cases). */
export async function runCellsOn(
  bootstrap: string,
  nodes: number,
  target: string,
  opts: MatrixOptions,
): Promise<TargetMatrix> {
  const clients = opts.clients ?? DRIVERS;
  const features = [...(opts.features ?? FEATURES)];
  const log = opts.log ?? (() => {});
  const io = new NeutralIO(bootstrap, nodes);
  const cells: CellResult[] = [];
  for (const driver of clients) {
    let unavailable: string | undefined;
    try {
      await driver.prepare();
    } catch (err) {
      if (!(err instanceof ClientUnavailable)) throw err;
      unavailable = err.message;
    }
    for (const feature of features) {
      if (driver.notRun?.[feature]) continue;
      if (unavailable) {
        cells.push({ client: driver.id, feature, status: 'unavailable', detail: unavailable, ms: 0 });
        continue;
      }
      const cell = await runCell(driver, feature, io, { outDir: opts.outDir, timeoutMs: opts.timeoutMs });
      log(
        `  ${target} ${driver.id} ${feature}: ${cell.status} (${(cell.ms / 1000).toFixed(1)} s)${cell.status === 'works' ? '' : ` — ${cell.detail}`}`,
      );
      cells.push(cell);
    }
  }
  return { target, clients: clients.map((c) => ({ id: c.id, label: c.label })), features, cells };
}

/** The features a driver runs (all but its `notRun` ones), in table order. */
export function featuresOf(driver: ClientDriver, features: readonly Feature[] = FEATURES): Feature[] {
  return features.filter((f) => !driver.notRun?.[f]);
}

/**
 * Starts `target`, runs the matrix, stops it.
 * @throws TargetUnavailableError when the target cannot be started or reached
 */
export async function runMatrixOn(target: string, opts: MatrixOptions & { outDir: string }): Promise<TargetMatrix> {
  const { spec, brokers } = matrixTarget(target);
  await mkdir(opts.outDir, { recursive: true });
  const log = opts.log ?? (() => {});
  log(`starting ${target}${brokers > 1 ? ` (${brokers} nodes)` : ''}`);
  let started: StartedTarget;
  try {
    started = await startTarget(spec, opts.outDir, { brokers });
  } catch (err) {
    if (err instanceof TargetUnavailableError) throw err;
    throw new TargetUnavailableError((err as Error).message);
  }
  const unregister = registerCleanup(`stop ${target}`, () => started.stop());
  try {
    return await runCellsOn(started.bootstrap, started.nodes.length, target, opts);
  } finally {
    unregister();
    await started.stop();
  }
}
