#!/usr/bin/env node
/**
 * kconform command-line entry point. Parses arguments with commander and dispatches to one
 * module per command (loaded lazily so `--help` stays instant). Exit codes follow DESIGN.md:
 * 0 ok, 1 anomaly, 2 bad usage, 3 target unavailable.
 */
import { pendingCleanups, runCleanups } from '../../harness/cleanup/cleanup-registry.ts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError, ExitCode } from './exit-codes.ts';
import { intInRange } from './parse.ts';
import { BUG_NAMES } from '../../reference-broker/bugs/known-bugs.ts';
import { STANDARD_AUTHORIZER_CLASS } from '../../reference-broker/acls/authorizer.ts';
import { parseAcks, parseCompression } from '../load/load-options.ts';
import { addConsoleConsumer, addConsoleProducer } from './commands/console-options.ts';
import { FAULT_FAMILIES, FAULT_NEEDS } from '../../harness/nemesis/fault-schedule.ts';
import {
  BUG_TARGETS,
  commandHelpAfter,
  DEFAULT_TARGET,
  NODE_CONTROL_TARGETS,
  PROGRAM_HELP_AFTER,
  scenarioListHelp,
  SHRINK_DEFAULT_TARGETS,
  TARGET_SPEC_HELP,
} from './help-texts.ts';

const program = new Command();

program
  .name('kconform')
  .description(
    'Kafka protocol test harness and conformance suite: a reference broker, real Kafka beside it, property-based scenarios, history checkers and reports.',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (str, write) => write(str) })
  .addHelpText('after', PROGRAM_HELP_AFTER);

/** What `--faults` accepts (run, compare). */
const PROXY_FAULTS = FAULT_FAMILIES.filter((f) => FAULT_NEEDS[f].includes('proxy'));
const FAULTS_HELP = `faults to inject, comma-separated: ${FAULT_FAMILIES.join(', ')} (${PROXY_FAULTS.join(', ')}: ${NODE_CONTROL_TARGETS}, through a proxy)`;

program
  .command('broker')
  .description(
    'run the reference broker on the real Kafka wire protocol: one node, or --brokers K nodes as a replicated cluster',
  )
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', intInRange(0, 65535), 9092)
  .option('--brokers <k>', 'number of broker nodes', intInRange(1, 9), 1)
  .option('--data-dir <dir>', 'keep partition logs on disk in DIR (default: in memory)')
  .option('--num-partitions <n>', 'partitions of auto-created topics', intInRange(1, 10_000), 1)
  .option('--no-auto-create-topics', 'do not create topics on Metadata or Produce (auto.create.topics.enable=false)')
  .option(
    '--log-flush-messages <n>',
    'fsync a partition after N appended records (log.flush.interval.messages)',
    intInRange(1, 2 ** 31 - 1),
  )
  .option(
    '--bug <names>',
    `switch on known defects (comma-separated), to prove the checkers catch them: ${BUG_NAMES.join(', ')}`,
  )
  .option(
    '--min-insync-replicas <n>',
    'min.insync.replicas, the broker default (topics may override)',
    intInRange(1, 9),
  )
  .option(
    '--default-replication-factor <n>',
    'default.replication.factor of auto-created topics (cluster default: min(3, K))',
    intInRange(1, 9),
  )
  .option(
    '--replica-lag-time-max-ms <ms>',
    'replica.lag.time.max.ms: an in-sync follower not caught up this long leaves the ISR',
    intInRange(100, 2 ** 31 - 1),
    30_000,
  )
  .option(
    '--broker-session-timeout-ms <ms>',
    'broker.session.timeout.ms: the controller fences a broker without heartbeat this long',
    intInRange(500, 2 ** 31 - 1),
    9_000,
  )
  .option(
    '--unclean-leader-election',
    'unclean.leader.election.enable=true: an out-of-sync replica may lead when no in-sync one can (loses data)',
  )
  .addOption(
    new Option(
      '--node-id <id>',
      'one node of a cluster: its node.id (with --controller-port and --controller-quorum-voters)',
    ).argParser(intInRange(1, 1000)),
  )
  .addOption(
    new Option('--controller-port <port>', "one node of a cluster: port of this node's controller listener").argParser(
      intInRange(1, 65535),
    ),
  )
  .addOption(
    new Option(
      '--controller-quorum-voters <list>',
      'one node of a cluster: every node as ID@HOST:PORT of its controller listener, comma-separated',
    ),
  )
  .option(
    '--sasl <mechanisms>',
    'a SASL_PLAINTEXT listener (sasl.enabled.mechanisms): plain, scram-sha-256, or both comma-separated; needs users (--sasl-users-file or KCONFORM_SASL_USERS)',
  )
  .option(
    '--sasl-users-file <path>',
    'the users of the SASL listener, one user:password per line (# comments); or set KCONFORM_SASL_USERS=user:password,…',
  )
  .option(
    '--sasl-users <list>',
    'the users as user:password,… on the command line, for tests only: every local user sees it in ps',
  )
  .option(
    '--authorizer-class-name <class>',
    `authorizer.class.name: ${STANDARD_AUTHORIZER_CLASS} enforces ACLs (CreateAcls/DescribeAcls/DeleteAcls, kafka-acls; docs/robustness-and-auth.md); default none, everything allowed`,
  )
  .option('--super-users <list>', "super.users: principals allowed everything, 'User:NAME;User:OTHER'")
  .option(
    '--allow-everyone-if-no-acl-found',
    'allow.everyone.if.no.acl.found: a resource without any ACL is open to every principal (default: denied)',
  )
  .option(
    '--connections-max-idle-ms <ms>',
    'connections.max.idle.ms: close a connection idle this long',
    intInRange(1, 2 ** 31 - 1),
    600_000,
  )
  .option(
    '--control-port <port>',
    'with --brokers K: an HTTP/JSON control endpoint on 127.0.0.1:PORT (nodes and roles, kill/restart/pause/resume, partition/heal, move a leader, wait until replicated; docs/control-endpoint.md)',
    intInRange(0, 65535),
  )
  .option(
    '--network',
    'with --brokers K: each node in its own network namespace, so the control endpoint can partition them (needs root, ip, iptables)',
  )
  .option(
    '--max-connections <n>',
    'max.connections: refuse client connections beyond N (default: unlimited, but below the open-file limit)',
    intInRange(1, 2 ** 31 - 1),
  )
  .option(
    '--max-connections-per-ip <n>',
    'max.connections.per.ip: refuse connections from an address that has N open',
    intInRange(1, 2 ** 31 - 1),
  )
  .action(async (opts) => (await import('./commands/broker.ts')).brokerCommand(opts));

program
  .command('run')
  .description('run conformance scenarios against a target and check the histories')
  .option('--target <spec>', TARGET_SPEC_HELP, DEFAULT_TARGET)
  .option('--brokers <k>', 'nodes in the target cluster', intInRange(1, 9), 1)
  .option('--scenarios <names>', "comma-separated scenario names, or 'all'", 'all')
  .option('--seed <n>', 'seed for the generators (default: random, printed)', intInRange(0, 2 ** 31 - 1))
  .option('--runs <n>', 'runs per scenario', intInRange(1, 100_000), 1)
  .option(
    '--records <n>',
    'records the seed scenario produces besides the mmr message',
    intInRange(0, 10_000_000),
    1000,
  )
  .option('--faults <list>', FAULTS_HELP)
  .option('--out <dir>', 'where to write the run (default runs/<run-id>/)')
  .option('--junit <file>', 'also write a JUnit XML report to FILE')
  .option(
    '--bug <names>',
    `${BUG_TARGETS} only: switch on known defects (see \`kconform broker --help\`); the run should then fail`,
  )
  .option(
    '--shrink',
    `shrink a failing run to the smallest workload that fails the same way (default on the ${SHRINK_DEFAULT_TARGETS})`,
  )
  .option('--no-shrink', 'do not shrink failures')
  .option(
    '--node-control <spec>',
    `${NODE_CONTROL_TARGETS}: process faults through your commands per node, ACTION=COMMAND,… (actions kill, start, stop, pause, resume; %i = node id) or @FILE.json (docs/external-faults.md)`,
  )
  .option(
    '--shrink-budget <seconds>',
    'longest time spent shrinking one failure; the smallest case found by then is kept (default: 60)',
    intInRange(1, 86_400),
  )
  .option(
    '--shard <I/N>',
    'run only shard I of N of the scenarios × runs (needs --seed; each shard its own --out; `kconform report` merges them: docs/campaigns.md)',
  )
  .action(async (opts) => (await import('./commands/run.ts')).runCommand(opts));

addConsoleProducer(program);
addConsoleConsumer(program);

const image = program.command('image').description('local container images for the container@IMAGE target');
image
  .command('build')
  .description(
    'build localhost/kconform-kafka:VERSION (and its JRE base image) without a registry: debootstrap + the cached Kafka jars',
  )
  .option('--kafka <version>', 'Apache Kafka release to put in the image (default: the newest verified)')
  .option('--rebuild', 'build the images again even when they exist')
  .option('--mirror <url>', 'Debian mirror for debootstrap (default: the one the apt sources name)')
  .action(async (opts) => (await import('./commands/image.ts')).imageBuildCommand(opts));

program
  .command('compare')
  .description(
    'run the same scenarios and seeds on several targets and report where their observable behaviour differs',
  )
  .requiredOption('--targets <specs>', 'comma-separated target specs, e.g. reference,kafka@4.4.0')
  .option('--brokers <k>', 'nodes in each target cluster', intInRange(1, 9), 1)
  .option('--scenarios <names>', "comma-separated scenario names, or 'all'", 'all')
  .option('--seed <n>', 'seed for the generators (default: random, printed)', intInRange(0, 2 ** 31 - 1))
  .option('--runs <n>', 'runs per scenario (seeds N, N+1, ...)', intInRange(1, 100_000), 1)
  .option(
    '--records <n>',
    'records the seed scenario produces besides the mmr message',
    intInRange(0, 10_000_000),
    1000,
  )
  .option('--faults <list>', FAULTS_HELP)
  .option('--out <dir>', 'where to write the runs and compare.json (default runs/<run-id>/)')
  .option('--junit <file>', 'also write a JUnit XML report to FILE (one case per scenario x aspect)')
  .option(
    '--node-control <spec>',
    `${NODE_CONTROL_TARGETS}: process faults through your commands per node, as for run (docs/external-faults.md); the same commands for every such target`,
  )
  .action(async (opts) => (await import('./commands/compare.ts')).compareCommand(opts));

program
  .command('replay')
  .description('run a stored case again (RUN_DIR, or a directory of runs) and say whether the outcome matches')
  .argument('<run-dir>', 'a run directory holding config.json, or a directory with run directories below it')
  .option('--out <dir>', 'where to write the replay (default RUN_DIR-replay-N)')
  .option(
    '--node-control <spec>',
    `runs on ${NODE_CONTROL_TARGETS}: the process fault commands to use instead of those stored in config.json (they may only work on the machine that ran the original); as for run`,
  )
  .option('--junit <file>', 'also write a JUnit XML report to FILE')
  .action(async (runDir, opts) => (await import('./commands/replay.ts')).replayCommand(runDir, opts));

program
  .command('check')
  .description('run the checkers on a stored history')
  .argument('<history>', "a run's history.jsonl")
  .option(
    '--config <file>',
    'check config JSON (acks, idempotent, minInsyncReplicas, replicationFactor, uncleanLeaderElection, transactional, faults, consumersSeeAll); default: the check entry of the config.json beside the history, else acks=all, idempotent, no faults',
  )
  .option('--out <file>', 'also write the results as JSON to FILE')
  .action(async (history: string, opts) => (await import('./commands/check.ts')).checkCommand({ history, ...opts }));

program
  .command('report')
  .description('rebuild report.html (and junit.xml) from stored runs, several runs or targets side by side')
  .argument(
    '<run-dir...>',
    'run directories (each holding results.json), directories of runs (run with several scenarios, compare), or the shards of one campaign (run --shard)',
  )
  .option(
    '--out <file>',
    'where to write report.html (default: RUN_DIR/report.html for one directory, ./report.html for several)',
  )
  .option('--junit <file>', 'where to write junit.xml (default: beside report.html)')
  .option('--no-junit', 'write no junit.xml')
  .option('--title <text>', 'title of the report')
  .option(
    '--allow-partial',
    'report the shards given even when some shards of their campaign are missing (said in the output)',
  )
  .action(async (dirs: string[], opts) => {
    await (await import('./commands/report.ts')).reportCommand(dirs, opts);
  });

/** Commander parser wrapping a parse function that throws Error: bad values exit 2 with its message. */
const parsedBy =
  <T>(parse: (v: string) => T) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };

program
  .command('load')
  .description(
    'N producers and M consumers (or HTTP producers through the gateway) against a target: throughput, produce-ack and end-to-end latency (HDR histograms), loss',
  )
  .option('--target <spec>', TARGET_SPEC_HELP, DEFAULT_TARGET)
  .option('--brokers <k>', 'nodes in the target cluster', intInRange(1, 9), 1)
  .option('--producers <n>', 'producers (kafkajs clients); with --http: HTTP connections', intInRange(1, 1000), 1)
  .option(
    '--consumers <m>',
    'consumers in one group reading the topic (0: no end-to-end latency, no loss check)',
    intInRange(0, 1000),
    1,
  )
  .addOption(new Option('--acks <acks>', 'acks: 0, 1 or all').argParser(parsedBy(parseAcks)).default(-1, 'all'))
  .option(
    '--rate <n>',
    'records per second over all producers, sent on a fixed timetable (open loop); omit to go flat out (closed loop)',
    intInRange(1, 10_000_000),
  )
  .option('--duration <s>', 'seconds to produce', intInRange(1, 86_400), 10)
  .option('--record-size <bytes>', 'bytes of each record value', intInRange(0, 10_000_000), 1024)
  .option('--partitions <p>', 'partitions of the load topic', intInRange(1, 10_000), 3)
  .option('--compression <codec>', 'none, gzip, snappy, lz4 or zstd', parsedBy(parseCompression), 'none')
  .option(
    '--batch <n>',
    'records per send: flat out, the batch each producer sends; open loop, the most sent at once',
    intInRange(1, 100_000),
    100,
  )
  .addOption(
    new Option(
      '--driver <driver>',
      "the client that loads the target: kafkajs (records keyed per producer, end-to-end latency) or raw (kconform's own on protocol/: pre-built batches, pipelined connections; the one for throughput studies: it measures the broker, not the client)",
    )
      .choices(['kafkajs', 'raw'])
      .default('kafkajs'),
  )
  .option('--in-flight <n>', 'raw driver: requests in flight per connection', intInRange(1, 10_000), 32)
  .option('--idempotent', 'raw driver: idempotent produce (InitProducerId, sequences per partition)')
  .option('--fetch-max-bytes <bytes>', 'raw driver: Fetch max.bytes of the consumers', intInRange(1, 1 << 30), 1 << 20)
  .option(
    '--http',
    'drive the gateway (REST Proxy v3 produce) with autocannon instead of Kafka clients, then read the topic back to count lost acknowledged records',
  )
  .option('--out <dir>', 'where to write load.json, results.json and report.html (default runs/<run-id>/)')
  .action(async (opts) => (await import('./commands/load.ts')).loadCommand(opts));

program
  .command('gateway')
  .description(
    'HTTP produce endpoint (Confluent REST Proxy v3 subset: POST /v3/clusters/{id}/topics/{topic}/records, GET /v3/clusters) in front of a target, until Ctrl-C',
  )
  .requiredOption('--target <spec>', TARGET_SPEC_HELP)
  .option('--brokers <k>', 'nodes in the target cluster', intInRange(1, 9), 1)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', intInRange(0, 65535), 8082)
  .addOption(
    new Option('--acks <acks>', "acks of the gateway's producer: 0, 1 or all")
      .argParser(parsedBy(parseAcks))
      .default(-1, 'all'),
  )
  .option('--compression <codec>', 'none, gzip, snappy, lz4 or zstd', parsedBy(parseCompression), 'none')
  .option('--out <dir>', 'run directory for the target and client logs (default runs/<run-id>/)')
  .action(async (opts) => (await import('./commands/gateway.ts')).gatewayCommand(opts));

program
  .command('conform')
  .description(
    'send the same requests to a broker and to real Kafka, API by API and version by version, and report where the answers differ',
  )
  .option('--target <spec>', `the broker under test: ${TARGET_SPEC_HELP}`, DEFAULT_TARGET)
  .requiredOption('--against <spec>', 'the real Kafka to compare with, e.g. kafka@4.4.0')
  .option('--seed <n>', 'seed for the generated requests (default: random, printed)', intInRange(0, 2 ** 31 - 1))
  .option(
    '--cases <n>',
    'generated requests per API version (besides the hand-written edge cases)',
    intInRange(0, 10_000),
    10,
  )
  .option('--apis <list>', 'only these APIs, by name or key (e.g. Produce,Fetch or 0,1)')
  .option('--out <dir>', "where to write conform.json and the brokers' logs (default runs/conform-<run-id>/)")
  .option('--junit <file>', 'also write a JUnit XML report to FILE (one case per API x version)')
  .option('--timeout-ms <ms>', 'longest wait for one answer', intInRange(100, 600_000), 10_000)
  .action(async (opts) => (await import('./commands/conform.ts')).conformCommand(opts));

program
  .command('certify')
  .description(
    "the report card of a target: every scenario (plain and under faults), the conform matrix against real Kafka, the client matrix and Kafka's admin tools, scored by area (card.json, card.md, report.html)",
  )
  .option('--target <spec>', `the broker under test: ${TARGET_SPEC_HELP}`, DEFAULT_TARGET)
  .option('--brokers <k>', 'nodes in the target cluster (3 adds the failover scenarios)', intInRange(1, 9), 1)
  .option(
    '--against <spec>',
    'the real Kafka the conform matrix and the admin tools compare with (default: kafka@4.4.0; the target itself when it is kafka@VERSION)',
  )
  .option('--no-conform', 'do not run the conform matrix (its row shows as not run)')
  .option(
    '--parts <list>',
    'the parts to run, comma-separated: scenarios, conform, clients, admin',
    'scenarios,conform,clients,admin',
  )
  .option('--scenarios <names>', "comma-separated scenario names, or 'all'", 'all')
  .option(
    '--faults <list>',
    `faults of the durability runs (each scenario again under them), or 'none'; default kill,pause on the reference target, pause on Kafka, delay on external@ without --node-control. ${FAULTS_HELP}`,
  )
  .option('--records <n>', 'records each scenario produces (the size of the run)', intInRange(0, 10_000_000), 200)
  .option(
    '--seed <n>',
    'seed for the scenarios and the generated requests (default: random, printed)',
    intInRange(0, 2 ** 31 - 1),
  )
  .option(
    '--cases <n>',
    'conform: generated requests per API version, besides the hand-written ones',
    intInRange(0, 10_000),
    2,
  )
  .option('--apis <list>', 'conform: only these APIs, by name or key (e.g. Produce,Fetch)')
  .option('--clients <ids>', 'client matrix: only these clients (kafkajs, platformatic, java, confluent-python)')
  .option('--features <names>', 'client matrix: only these features (acks=all, gzip, group, seek, ...)')
  .option(
    '--node-control <spec>',
    `${NODE_CONTROL_TARGETS}: process faults through your commands per node, as for run (docs/external-faults.md)`,
  )
  .option('--allow <file>', 'allowlist (YAML or JSON) of differences you accept, each {row, reason} (docs/certify.md)')
  .option(
    '--out <dir>',
    "where to write card.json, card.md, report.html and every part's evidence (default runs/certify-<run-id>/)",
  )
  .action(async (opts) => (await import('./commands/certify.ts')).certifyCommand(opts));

// An example and the exit codes under every command's help; the scenarios under run's and compare's.
let scenarioHelp = '';
for (const cmd of program.commands) {
  for (const c of [cmd, ...cmd.commands]) {
    const path = c === cmd ? c.name() : `${cmd.name()} ${c.name()}`;
    const scenarios = path === 'run' || path === 'compare';
    c.addHelpText('after', () => (scenarios && scenarioHelp ? `${scenarioHelp}\n` : '') + commandHelpAfter(path));
  }
}

/** Help was asked for: the scenario list is loaded only then, so other starts stay quick. */
async function loadHelpTexts(argv: readonly string[]): Promise<void> {
  if (!argv.some((a) => a === '--help' || a === '-h' || a === 'help')) return;
  const { ALL_SCENARIOS } = await import('../../scenarios/index.ts');
  scenarioHelp = scenarioListHelp(ALL_SCENARIOS);
}

async function main(): Promise<void> {
  // `kconform … | head`: a reader that went away is the end of the output, not a crash; what is
  // running (targets, namespaces) is stopped as on Ctrl-C, through the cleanup registry.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (pendingCleanups() === 0) process.exit(process.exitCode ?? 0);
    // a run cut short proved nothing: the shell's code for death by SIGPIPE, not 0
    void runCleanups(() => {}).finally(() => process.exit(141));
  });
  try {
    await loadHelpTexts(process.argv.slice(2));
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander with exit code 0
      process.exitCode = err.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`kconform: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(
      `kconform: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 70;
  }
}

await main();
// A client library that is still retrying (a kafkajs consumer left running by a failed scenario)
// must not keep a finished command alive: flush the output and exit with the command's code.
await Promise.all([
  new Promise((resolve) => process.stdout.write('', resolve)),
  new Promise((resolve) => process.stderr.write('', resolve)),
]);
process.exit(process.exitCode ?? 0);
