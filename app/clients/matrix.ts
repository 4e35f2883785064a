/**
 * The client compatibility matrix, as a command (it prints the table in docs/clients.md):
 *
 *   node app/clients/matrix.ts --target reference|reference3|kafka@4.4.0[/N][,…]
 *        [--clients kafkajs,platformatic,java,confluent-python] [--features acks=all,seek,…]
 *        [--out DIR] [--json FILE]
 *
 * Several targets (comma-separated) run one after the other, and the table then shows one mark
 * per target in each cell, classifying every failure against the Kafka baseline. Prints the
 * markdown table on stdout, progress on stderr, writes the JSON (default DIR/matrix.json) and
 * each cell's history under DIR. Exit 0 when every cell works or is a known client limitation,
 * 1 when a cell fails, 2 on bad usage, 3 when a target cannot be started.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runCleanups } from '../../harness/cleanup/cleanup-registry.ts';
import { TargetUnavailableError } from '../../harness/targets/target.ts';
import { renderMatrix, type TargetMatrix } from './matrix-table.ts';
import { driversByIds, matrixTarget, parseFeatures, runMatrixOn } from './run-matrix.ts';

const USAGE =
  'usage: node app/clients/matrix.ts --target reference|reference3|kafka@VERSION[/NODES][,…] [--clients IDS] [--features NAMES] [--out DIR] [--json FILE]';

function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let values: { target?: string; clients?: string; features?: string; out?: string; json?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      target: { type: 'string' },
      clients: { type: 'string' },
      features: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (err) {
  usage((err as Error).message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.target) usage('--target is required');
const targets = values.target
  .split(',')
  .map((t) => t.trim())
  .filter(Boolean);
// kafka@X.Y.Z,zk carries a comma of its own: glue it back on.
for (let i = targets.length - 1; i > 0; i--) if (targets[i] === 'zk') targets.splice(i - 1, 2, `${targets[i - 1]},zk`);
let clients;
let features;
try {
  for (const t of targets) matrixTarget(t);
  clients = values.clients ? driversByIds(values.clients.split(',')) : undefined;
  features = values.features ? parseFeatures(values.features.split(',')) : undefined;
} catch (err) {
  usage((err as Error).message);
}

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
// Absolute: Kafka's tools run in their node directories, where a relative path means something else.
const outDir = resolve(values.out ?? join('runs', `clients-${stamp}`));
const log = (line: string) => process.stderr.write(`${line}\n`);
const matrices: TargetMatrix[] = [];
try {
  for (const target of targets) {
    const t0 = Date.now();
    matrices.push(
      await runMatrixOn(target, { clients, features, outDir: join(outDir, target.replace(/[^\w.@-]/g, '_')), log }),
    );
    log(`${target}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
} catch (err) {
  await runCleanups();
  if (err instanceof TargetUnavailableError) {
    process.stderr.write(`kconform: ${err.message}\n`);
    process.exit(3);
  }
  throw err;
}
const table = renderMatrix(matrices);
const jsonFile = values.json ?? join(outDir, 'matrix.json');
await writeFile(jsonFile, JSON.stringify({ generated: new Date().toISOString(), targets: matrices }, null, 2) + '\n');
process.stdout.write(table);
log(`wrote ${jsonFile} and the cells' histories under ${outDir}`);
process.exit(matrices.some((m) => m.cells.some((c) => c.status === 'fails')) ? 1 : 0);
