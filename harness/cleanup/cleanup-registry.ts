/**
 * One place where everything kconform starts (targets, proxies, namespaces, temp dirs) registers
 * how to undo itself, so that Ctrl-C, SIGTERM or an uncaught error still undoes all of it, newest
 * first. Lower layers have their own last-resort guards (process groups die with this process);
 * this registry is what makes an interrupted run stop things in order and exit cleanly.
 */

type Cleanup = { description: string; run: () => unknown };

const cleanups = new Set<Cleanup>();
let installed = false;
let running: Promise<void> | undefined;

/** How long all cleanups together may take on a signal before the process exits anyway. */
const SIGNAL_CLEANUP_BUDGET_MS = 30_000;

/** Runs every registered cleanup, newest first; each failure is reported and the rest still run. */
export function runCleanups(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  running ??= (async () => {
    for (const c of [...cleanups].reverse()) {
      cleanups.delete(c);
      try {
        await c.run();
      } catch (err) {
        log(`kconform: cleanup '${c.description}' failed: ${(err as Error).message}`);
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

function install(): void {
  if (installed) return;
  installed = true;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    if (interrupted) {
      process.stderr.write(`kconform: ${signal} again: exiting without waiting for cleanup\n`);
      process.exit(code);
    }
    interrupted = true;
    process.stderr.write(`kconform: ${signal}: stopping everything this run started… (again to force)\n`);
    const timer = setTimeout(() => process.exit(code), SIGNAL_CLEANUP_BUDGET_MS);
    timer.unref();
    void runCleanups().finally(() => process.exit(code));
  };
  // Listeners stay installed (not `once`): lower layers re-raise a signal when they see no other
  // listener, which would kill the process before the cleanups ran.
  process.on('SIGINT', () => onSignal('SIGINT', 130));
  process.on('SIGTERM', () => onSignal('SIGTERM', 143));
}

/**
 * Registers `run` to be called on interruption (or by {@link runCleanups}); returns a function
 * that unregisters it, for when the owner has cleaned up normally.
 */
export function registerCleanup(description: string, run: () => unknown): () => void {
  install();
  const c = { description, run };
  cleanups.add(c);
  return () => void cleanups.delete(c);
}

/** Number of cleanups pending (tests and diagnostics). */
export function pendingCleanups(): number {
  return cleanups.size;
}
