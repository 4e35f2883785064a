/**
 * The Kafka release whose message specs the codec is generated from. Changing it and running
 * `npm run codegen` moves the whole codec (and the error table) to that release.
 */
export const KAFKA_SPEC_VERSION = '4.3.1';
