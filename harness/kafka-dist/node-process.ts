/**
 * One node of a local process cluster (a Kafka broker JVM, a reference broker process) that the
 * nemesis can kill, stop, start again with the same command line, and pause. Each start is a
 * new process group (see process-group.ts), so a signal reaches everything the node spawned and
 * nothing outlives this Node process. The node's output from every start is appended to one log
 * file, each start opening with a marker line, so a log explains a whole run of faults.
 */
import { closeSync, openSync } from 'node:fs';
import { appendFile, stat } from 'node:fs/promises';
import { spawnProcessGroup, type ExitStatus, type ProcessGroup } from './process-group.ts';

/** Whether the node's process is there and answering signals. */
export type NodeProcessState = 'running' | 'paused' | 'stopped';

/** How to run the node this time (the caller decides; e.g. a port picked at the first start). */
export interface NodeLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** What a readiness check of a freshly started process gets. */
export interface ReadyContext {
  /** Epoch ms after which to give up. */
  readonly deadline: number;
  /** Size of the log file when this start began: what the process printed comes after it. */
  readonly logOffset: number;
  /** The process's exit status once it has exited (it died while starting). */
  exitStatus(): ExitStatus | undefined;
}

/** Options of {@link createNodeProcess}. */
export interface NodeProcessOptions {
  /** Node id (Kafka node.id / broker.id). */
  readonly id: number;
  /** For messages, e.g. `Kafka 4.4.0 node 2`. */
  readonly label: string;
  /** stdout and stderr of every start are appended here. */
  readonly logFile: string;
  /** The command line of the next start. */
  launch(): NodeLaunch | Promise<NodeLaunch>;
  /** Resolves once the started process serves; throws (with the reason) when it will not. */
  waitReady(ctx: ReadyContext): Promise<void>;
  /** Between SIGTERM and SIGKILL on a clean stop; default 15 s. */
  readonly stopGraceMs?: number;
}

/** A restartable node process. */
export interface NodeProcess {
  readonly id: number;
  readonly label: string;
  readonly logFile: string;
  /** Pid (and process group id) of the current process; undefined while stopped. */
  readonly pid: number | undefined;
  readonly state: NodeProcessState;
  /** Settles when the current process exits; undefined while stopped. */
  readonly exited: Promise<ExitStatus> | undefined;
  /** How many times the node has been started. */
  readonly starts: number;
  /** Starts the process without waiting for it to serve (for starting a cluster's nodes together). */
  spawn(): Promise<void>;
  /** Waits until the current process serves; on failure it is killed and the error rethrown. */
  waitReady(deadline: number): Promise<void>;
  /** {@link spawn} then {@link waitReady}. */
  start(deadline: number): Promise<void>;
  /** SIGKILL to the group, then waits for the exit. A no-op when stopped. */
  kill(): Promise<void>;
  /** SIGCONT if paused, SIGTERM, SIGKILL after `graceMs`; waits for the exit. A no-op when stopped. */
  stop(graceMs?: number): Promise<void>;
  /** SIGSTOP to the group: its sockets stay open, nothing answers. */
  pause(): void;
  /** SIGCONT to the group. */
  resume(): void;
}

/** Creates a node in state `stopped`; nothing runs until {@link NodeProcess.spawn}. */
export function createNodeProcess(opts: NodeProcessOptions): NodeProcess {
  let group: ProcessGroup | undefined;
  let logOffset = 0;
  let paused = false;
  let starts = 0;
  const current = (): ProcessGroup | undefined => (group && group.exitStatus === undefined ? group : undefined);

  const node: NodeProcess = {
    id: opts.id,
    label: opts.label,
    logFile: opts.logFile,
    get pid() {
      return current()?.pid;
    },
    get state(): NodeProcessState {
      if (!current()) return 'stopped';
      return paused ? 'paused' : 'running';
    },
    get exited() {
      return current()?.exited;
    },
    get starts() {
      return starts;
    },
    async spawn() {
      if (current()) throw new Error(`${opts.label} is already running (pid ${group!.pid})`);
      const launch = await opts.launch();
      starts++;
      await appendFile(
        opts.logFile,
        `--- kconform: start ${starts} of ${opts.label} at ${new Date().toISOString()} ---\n`,
      );
      logOffset = (await stat(opts.logFile)).size;
      const fd = openSync(opts.logFile, 'a');
      try {
        group = spawnProcessGroup(launch.command, launch.args, {
          cwd: launch.cwd,
          env: launch.env,
          stdio: ['ignore', fd, fd],
        });
      } finally {
        // The child holds its own copy of the descriptor.
        closeSync(fd);
      }
      paused = false;
    },
    async waitReady(deadline) {
      const g = current();
      if (!g) throw new Error(`${opts.label} is not running`);
      try {
        await opts.waitReady({ deadline, logOffset, exitStatus: () => g.exitStatus });
      } catch (err) {
        g.signal('SIGKILL');
        await g.exited;
        throw err;
      }
    },
    async start(deadline) {
      await node.spawn();
      await node.waitReady(deadline);
    },
    async kill() {
      const g = current();
      if (!g) return;
      // SIGKILL ends stopped (paused) processes too.
      g.signal('SIGKILL');
      await g.exited;
      paused = false;
    },
    async stop(graceMs = opts.stopGraceMs ?? 15_000) {
      const g = current();
      if (!g) return;
      // A stopped process would only see the SIGTERM once continued.
      if (paused) g.signal('SIGCONT');
      paused = false;
      await g.stop(graceMs);
    },
    pause() {
      const g = current();
      if (!g) throw new Error(`${opts.label} is not running; cannot pause it`);
      g.signal('SIGSTOP');
      paused = true;
    },
    resume() {
      const g = current();
      if (!g) return;
      g.signal('SIGCONT');
      paused = false;
    },
  };
  return node;
}

/** `code 1` / `signal SIGKILL`, for messages. */
export function describeExit(s: ExitStatus): string {
  return s.signal ? `signal ${s.signal}` : `code ${s.code}`;
}
