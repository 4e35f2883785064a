/** Kafka wire primitives: a field-naming reader, a growable writer and the one decode error. */
export { DecodeError } from './decode-error.ts';
export { Reader, NULL_UUID, type RawTaggedField } from './reader.ts';
export { Writer } from './writer.ts';
