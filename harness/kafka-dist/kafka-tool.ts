/**
 * Running a Java main class of an Apache Kafka release (console tools, StorageTool, the
 * broker itself) from the resolved jars, without Kafka's shell scripts.
 */
import { atLeast, parseKafkaVersion } from './kafka-version.ts';
import { LOG_LEVEL_PROPERTY } from './log-config.ts';
import { spawnProcessGroup, type ExitStatus, type ProcessGroup } from './process-group.ts';
import type { KafkaDist } from './resolve-kafka.ts';

/** JVM settings for short-lived tools: small heap, quick start (no C2, serial GC). */
export const TOOL_JVM_ARGS: readonly string[] = [
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Djava.awt.headless=true',
];

/** Options shared by {@link runKafkaClass} and {@link spawnKafkaClass}. */
export interface KafkaClassOptions {
  /** Extra environment over `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** JVM arguments; default {@link TOOL_JVM_ARGS}. */
  jvmArgs?: readonly string[];
  /** Root log level of the generated logging config (logs go to stderr); default WARN. */
  logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  cwd?: string;
}

/** Options of {@link runKafkaClass}. */
export interface RunKafkaClassOptions extends KafkaClassOptions {
  /** Written to the tool's stdin, which is then closed (stdin is empty when absent). */
  stdin?: string;
  /** The tool is killed and the call rejects with {@link KafkaToolTimeoutError} after this. */
  timeoutMs: number;
}

/** What a finished tool left behind. */
export interface KafkaToolResult {
  /** Exit code, or null when it died by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A tool ran past its timeout and was killed; carries what it printed until then. */
export class KafkaToolTimeoutError extends Error {
  readonly stdout: string;
  readonly stderr: string;

  constructor(mainClass: string, timeoutMs: number, stdout: string, stderr: string) {
    super(
      `${mainClass} did not finish within ${timeoutMs} ms; stderr tail:\n${stderr.split('\n').slice(-20).join('\n')}`,
    );
    this.name = 'KafkaToolTimeoutError';
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

/** The full `java` argument list for running `mainClass` of `dist`. */
export function kafkaJavaArgs(
  dist: KafkaDist,
  mainClass: string,
  args: readonly string[],
  opts: Pick<KafkaClassOptions, 'jvmArgs' | 'logLevel'> = {},
): string[] {
  return [
    ...(opts.jvmArgs ?? TOOL_JVM_ARGS),
    ...dist.log4jArgs,
    `-D${LOG_LEVEL_PROPERTY}=${opts.logLevel ?? 'WARN'}`,
    '-cp',
    dist.classpath,
    mainClass,
    ...args,
  ];
}

/**
 * Starts `mainClass` as its own process group (stdin, stdout, stderr piped) for long-running
 * tools such as a console consumer without `--max-messages`. Stop it with `stop()`, which
 * ends the whole group; it is also ended if this Node process exits.
 */
export function spawnKafkaClass(
  dist: KafkaDist,
  mainClass: string,
  args: readonly string[],
  opts: KafkaClassOptions = {},
): ProcessGroup {
  return spawnProcessGroup(dist.javaBin, kafkaJavaArgs(dist, mainClass, args, opts), {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs `mainClass` to completion and collects its output. */
export async function runKafkaClass(
  dist: KafkaDist,
  mainClass: string,
  args: readonly string[],
  opts: RunKafkaClassOptions,
): Promise<KafkaToolResult> {
  const group = spawnKafkaClass(dist, mainClass, args, opts);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  group.child.stdout?.on('data', (b: Buffer) => out.push(b));
  group.child.stderr?.on('data', (b: Buffer) => err.push(b));
  // The tool may exit before reading its stdin; an EPIPE then says nothing useful.
  group.child.stdin?.on('error', () => undefined);
  group.child.stdin?.end(opts.stdin ?? '');
  let spawnError: Error | undefined;
  group.child.on('error', (e) => (spawnError = e));
  // 'exit' can come before the pipes are drained; 'close' means all output is in.
  const closed = new Promise<void>((resolve) => group.child.once('close', () => resolve()));

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });
  const first = await Promise.race([group.exited, timedOut]);
  clearTimeout(timer);
  if (first === 'timeout') await group.stop(2_000);
  // Bounded: a grandchild holding the pipes open must not hang the caller.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  if (spawnError) throw spawnError;
  if (first === 'timeout') throw new KafkaToolTimeoutError(mainClass, opts.timeoutMs, stdout, stderr);
  const status = first as ExitStatus;
  return { code: status.code, signal: status.signal, stdout, stderr };
}

/** The console producer's main class: it moved from core to kafka-tools in 4.0. */
export function consoleProducerClass(version: string): string {
  return parseKafkaVersion(version).major >= 4
    ? 'org.apache.kafka.tools.ConsoleProducer'
    : 'kafka.tools.ConsoleProducer';
}

/** The console consumer's main class: it moved from core to kafka-tools in 3.7. */
export function consoleConsumerClass(version: string): string {
  return atLeast(parseKafkaVersion(version), 3, 7)
    ? 'org.apache.kafka.tools.consumer.ConsoleConsumer'
    : 'kafka.tools.ConsoleConsumer';
}

/** KRaft storage formatting (`random-uuid`, `format`); 3.x and 4.x. */
export const STORAGE_TOOL_CLASS = 'kafka.tools.StorageTool';

/** The broker (and, in KRaft, controller) entry point. */
export const KAFKA_SERVER_CLASS = 'kafka.Kafka';

/** ZooKeeper's server entry point, shipped on the classpath of 2.x and 3.x. */
export const ZOOKEEPER_SERVER_CLASS = 'org.apache.zookeeper.server.quorum.QuorumPeerMain';
