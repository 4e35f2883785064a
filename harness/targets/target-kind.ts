/**
 * What every kind of target (reference, kafka@, container@, external@, …) is behind: a
 * {@link TargetKind} parses its `kind@…` specs, says what it can do, checks what it needs, and
 * starts a {@link StartedTarget} that explicit {@link WaitStrategy}s then prove ready, as
 * testcontainers composes a container with its wait strategies. Kinds are listed in
 * `registry.ts` and nowhere else; each lives in its own folder beside this file.
 */
import type { BrokerTimings } from '../kafka-dist/cluster-properties.ts';
import type { FaultControl, TargetNode } from '../nemesis/fault-control.ts';
import type { FaultFamily } from '../nemesis/fault-schedule.ts';
import type { NodeCommands } from '../nemesis/node-commands.ts';
import type { BugName } from '../../reference-broker/bugs/known-bugs.ts';

/** What every parsed spec has: the kind's name; each kind adds its own fields. */
export interface TargetSpecBase {
  readonly kind: string;
}

/** A started broker (or cluster) under test. Disposing it stops whatever kconform started. */
export interface StartedTarget<S extends TargetSpecBase = TargetSpecBase> extends AsyncDisposable {
  readonly spec: S;
  /** bootstrap.servers for clients (comma-separated for clusters). */
  readonly bootstrap: string;
  /** True when kconform started the target fresh for this run (its topics start empty). */
  readonly fresh: boolean;
  /** Files with the target's own logs, kept in the run directory. */
  readonly logFiles: string[];
  readonly nodes: readonly TargetNode[];
  /** What the nemesis may do to this target (an external one: nothing). */
  readonly faults: FaultControl;
  stop(): Promise<void>;
}

/**
 * Thrown when a target cannot be started or reached; the CLI exits with code 3, or 2 when
 * `badSpec` says the spec itself is wrong (a Kafka release that does not exist).
 */
export class TargetUnavailableError extends Error {
  readonly badSpec: boolean;
  constructor(message: string, opts: { badSpec?: boolean } = {}) {
    super(message);
    this.name = 'TargetUnavailableError';
    this.badSpec = opts.badSpec ?? false;
  }
}

/** A spec that does not parse: the message is the one line the CLI prints (exit 2). */
export class TargetSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetSpecError';
  }
}

/** How to start a target. */
export interface StartTargetOptions {
  /** Nodes in the cluster (kafka@, container@ and reference targets). */
  brokers?: number;
  /** Known bugs to switch on in the reference broker. */
  bugs?: ReadonlySet<BugName>;
  /** Start the target so that faults apply (the reference broker as child processes; external@ behind proxies). */
  faultable?: boolean;
  /** Give each node of a process cluster its own network namespace, so partitions and client cuts apply (needs root, iproute2, iptables). */
  network?: boolean;
  /** Failover timings (replica lag, broker session) for reference and Kafka clusters alike; default each target's own. */
  timings?: BrokerTimings;
  /** external@ only: the owner's per-node commands for process faults (`--node-control`). */
  nodeControl?: NodeCommands;
}

/** What {@link TargetKind.start} gets: the options with defaults filled in, and an absolute run directory. */
export interface StartContext extends StartTargetOptions {
  readonly brokers: number;
  /** Absolute: Kafka's tools and node processes run in their own directories. */
  readonly runDir: string;
}

/**
 * Something a started target must show before a run may use it (a port answers, Metadata lists
 * every broker), checked against its bootstrap address.
 */
export interface WaitStrategy {
  /** What is waited for, as said in an error ("ApiVersions answered"). */
  readonly description: string;
  /** Resolves once ready; throws {@link TargetUnavailableError} with the reason when it never is. */
  waitUntilReady(bootstrap: string): Promise<void>;
}

/** What a kind can do; the runner and the CLI read these instead of testing kind names. */
export interface TargetCapabilities {
  /** Most nodes `--brokers` may ask it to start; undefined when it starts none (the cluster is what is there, `--brokers` does not apply). */
  readonly maxBrokers: number | undefined;
  /** The `--faults` families it can inject (some only when started a certain way: see `faultsNote`). */
  readonly faults: readonly FaultFamily[];
  /** When the faults apply, for help and docs. */
  readonly faultsNote: string;
  /** Known bugs (`--bug`) can be switched on in it. */
  readonly knownBugs: boolean;
  /** Process faults go through the owner's commands (`--node-control`) and network faults through a proxy. */
  readonly nodeControl: boolean;
  /** `--faults partition` needs kconform's network-namespace lab (the kind has no network of its own to cut). */
  readonly networkLab: boolean;
  /** Starting it is cheap enough that `run` shrinks failures by default (shrinking restarts it many times). */
  readonly shrinkByDefault: boolean;
  /**
   * False when the target cannot run transactions yet (a transactional InitProducerId is refused):
   * scenarios that need them say "not supported by this target yet" instead of running, and
   * `--scenarios all` leaves them out. Left out: it can (or kconform cannot know, as for external@).
   */
  readonly transactions?: boolean;
  /**
   * False when the target cannot serve KIP-848 consumer groups (ConsumerGroupHeartbeat): scenarios
   * that need them are left out of `--scenarios all`. Left out: it may (a Kafka kind serves them
   * from 4.0 on), and the scenario asks the target's ApiVersions before it runs.
   */
  readonly consumerProtocol?: boolean;
  /**
   * It is Apache Kafka itself, the oracle: what `conform` and `certify` compare with (`--against`),
   * and what `certify` compares a Kafka target with (itself). Left out: it is not.
   */
  readonly apacheKafka?: boolean;
}

/**
 * A kind of target, behind `--target NAME[@ARG]`: what it accepts and can do, cheap to load (the
 * CLI lists every kind in its help), and its {@link TargetBuilder}, loaded only when a target
 * of the kind starts. Add one by writing a folder under harness/targets/ with both and listing
 * the kind in `registry.ts`.
 */
export interface TargetKind<S extends TargetSpecBase = TargetSpecBase> {
  /** The word before `@` (`kafka`). */
  readonly name: string;
  /** The spec forms, for the one-line `--target` help and errors (`kafka[@VERSION[,zk]]`). */
  readonly syntax: string;
  /** One line: what this target is. */
  readonly help: string;
  readonly capabilities: TargetCapabilities;
  /**
   * Parses what follows `NAME@` (`undefined` for a bare NAME).
   *
   * @param text the whole spec as written, for the error
   * @throws TargetSpecError with one line saying what was expected
   */
  parse(arg: string | undefined, text: string): S;
  /** The Apache Kafka release whose behaviour the target follows, when known (the reference broker: the oracle's). */
  kafkaRelease(spec: S): string | undefined;
  /** Loads the builder: the heavy part (a broker, the Kafka distribution, testcontainers). */
  builder(): Promise<TargetBuilder<S>>;
}

/** What starts a kind's targets (testcontainers' container builder, with its wait strategies). */
export interface TargetBuilder<S extends TargetSpecBase = TargetSpecBase> {
  /** Why `spec` cannot start on this machine with `options` (a missing tool, and what to install), or undefined. Asked before {@link start}. */
  unavailable(spec: S, options: StartTargetOptions): Promise<string | undefined>;
  /** Starts (or, for what kconform does not start, names) the target. Lower-layer failures may be thrown as they are: {@link explainFailure} maps them. */
  start(spec: S, context: StartContext): Promise<StartedTarget<S>>;
  /** What the started target must show before use, in order. */
  waitStrategies(spec: S, context: StartContext): readonly WaitStrategy[];
  /** This kind's lower-layer errors that mean "could not start", as the error the CLI reports; undefined for others (a bug: rethrown). */
  explainFailure(err: unknown): TargetUnavailableError | undefined;
}
