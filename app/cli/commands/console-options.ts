/**
 * The command-line definitions of `kconform console-producer` and `console-consumer`: Kafka's
 * kafka-console-producer / kafka-console-consumer flags, as Kafka 2.7–4.x accept them (names and
 * defaults from Kafka's ConsoleProducer and ConsoleConsumerOptions). Kept apart from main.ts so
 * `--help` stays instant: the commands themselves load lazily.
 */
import { Option, type Command } from 'commander';
import { intInRange } from '../parse.ts';

/** Adds `console-producer` to `program`. */
export function addConsoleProducer(program: Command): Command {
  return program
    .command('console-producer')
    .description("read lines from stdin and produce each as a record (Kafka's kafka-console-producer flags)")
    .option('--bootstrap-server <host:port,...>', 'REQUIRED (or --broker-list): the brokers to connect to')
    .option(
      '--broker-list <host:port,...>',
      'the name Kafka 2.x–3.x also took for --bootstrap-server (deprecated there, removed in 4.0)',
    )
    .requiredOption('--topic <topic>', 'topic to produce to')
    .option(
      '--producer-property <k=v...>',
      'producer config, e.g. acks=all, client.id=me (wins over --producer.config)',
    )
    .option('--producer.config <file>', 'producer config properties file')
    .option(
      '--property <k=v...>',
      'line reader properties: parse.key=true, key.separator=<sep> (default tab), ignore.error=true, null.marker=<s>',
    )
    .option('--request-required-acks <acks>', 'acks: 0, 1, -1 or all (default: -1, or the acks producer property)')
    .option(
      '--request-timeout-ms <ms>',
      'the produce request timeout (default: 1500, or request.timeout.ms)',
      intInRange(1, 2 ** 31 - 1),
    )
    .addOption(
      new Option(
        '--compression-codec [codec]',
        'none, gzip, snappy, lz4 or zstd; gzip when given without a value (as in Kafka, this sets compression.type over any property; default none)',
      ),
    )
    .option('--sync', 'send each line alone and wait for its acknowledgement before reading the next')
    .option('--verbose', "show the client library's log (by default shown only when the command fails)")
    .action(async (opts) => (await import('./console-producer.ts')).consoleProducerCommand(opts));
}

/** Adds `console-consumer` to `program`. */
export function addConsoleConsumer(program: Command): Command {
  return program
    .command('console-consumer')
    .description(
      "print records of a topic, one line each (Kafka's kafka-console-consumer flags); waits for a topic that does not exist yet",
    )
    .option('--bootstrap-server <host:port,...>', 'REQUIRED: the brokers to connect to')
    .option('--topic <topic>', 'topic to consume (this or --include)')
    .option(
      '--include <regex>',
      'consume every topic whose name matches this regular expression (topics must exist at start)',
    )
    .addOption(new Option('--whitelist <regex>', 'Kafka 2.x name of --include').hideHelp())
    .option('--from-beginning', 'start at the earliest offset when there is no committed offset')
    .option('--group <group>', 'consumer group (default: a fresh console-consumer-NNNNN group, not committed to)')
    .option(
      '--partition <n>',
      'read only this partition, without a group; starts at the end unless --offset',
      intInRange(0, 2 ** 31 - 1),
    )
    .option('--offset <offset>', "with --partition: 'earliest', 'latest' (default) or an offset N >= 0")
    .option('--max-messages <n>', 'exit after printing N records', intInRange(1, 2 ** 31 - 1))
    .option(
      '--timeout-ms <ms>',
      'exit when no record arrives for MS (waiting for the topic included)',
      intInRange(0, 2 ** 31 - 1),
    )
    .option(
      '--consumer-property <k=v...>',
      'consumer config, e.g. group.id=g, auto.offset.reset=earliest (wins over --consumer.config)',
    )
    .option('--consumer.config <file>', 'consumer config properties file')
    .option(
      '--isolation-level <level>',
      'read_committed or read_uncommitted (default: read_uncommitted, or isolation.level)',
    )
    .option(
      '--formatter <class>',
      'DefaultMessageFormatter (default) or NoOpMessageFormatter, by Kafka 2.x–4.x class name',
    )
    .option(
      '--property <k=v...>',
      'formatter properties: print.key, print.offset, print.partition, print.timestamp, print.headers, print.value=true|false, key.separator, line.separator, headers.separator, null.literal',
    )
    .option('--formatter-config <file>', 'formatter properties file (--property wins)')
    .option('--verbose', "show the client library's log (by default shown only when the command fails)")
    .action(async (opts) => (await import('./console-consumer.ts')).consoleConsumerCommand(opts));
}
