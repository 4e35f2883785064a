/**
 * The Apache Kafka distribution layer: release jars from Maven Central, running their main
 * classes, single-node KRaft / ZooKeeper-mode brokers, and the console round trip.
 */
export {
  kconformCacheRoot,
  KafkaResolveError,
  KafkaVersionNotFoundError,
  LATEST_KAFKA_VERSION,
  PrerequisiteError,
  resolveKafka,
  VERIFIED_KAFKA_VERSIONS,
  type KafkaDist,
  type ResolveKafkaOptions,
} from './resolve-kafka.ts';
export {
  consoleConsumerClass,
  consoleProducerClass,
  KAFKA_SERVER_CLASS,
  kafkaJavaArgs,
  KafkaToolTimeoutError,
  runKafkaClass,
  spawnKafkaClass,
  STORAGE_TOOL_CLASS,
  ZOOKEEPER_SERVER_CLASS,
  type KafkaClassOptions,
  type KafkaToolResult,
  type RunKafkaClassOptions,
} from './kafka-tool.ts';
export {
  KafkaStartError,
  randomClusterId,
  startKafkaNode,
  type KafkaMode,
  type KafkaNodeOptions,
  type StartedKafka,
} from './kafka-process.ts';
export { consoleRoundTrip, type ConsoleRoundTripOptions, type ConsoleRoundTripResult } from './console-roundtrip.ts';
export type { ExitStatus, ProcessGroup } from './process-group.ts';
export type { Properties } from './server-properties.ts';
export { SASL_LISTENER, type KafkaSaslMechanism, type KafkaSaslOptions } from './sasl-listener.ts';
