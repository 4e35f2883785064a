import type { Reader, Writer } from '../primitives/index.ts';

/**
 * What the generated codec knows about one message: its name, API key, versions and the
 * functions that write and read its body. `REQUESTS` / `RESPONSES` map API keys to these.
 */
export interface MessageDescriptor<T = unknown> {
  readonly name: string;
  /** The API key, or -1 for the request and response headers. */
  readonly apiKey: number;
  readonly type: 'request' | 'response' | 'header';
  /** Lowest and highest version the codec reads and writes. */
  readonly validVersions: readonly [number, number];
  /** First flexible version (compact encodings, tagged fields), Infinity if there is none. */
  readonly flexibleMin: number;
  /** Set when Kafka marks the highest version as still unstable (not advertised by default). */
  readonly latestVersionUnstable?: boolean;
  // Method syntax on purpose: it lets a descriptor of one message stand in for MessageDescriptor<unknown>.
  /** Writes `msg` at `version`; fields the version lacks are skipped. Throws RangeError on an unsupported version. */
  encode(w: Writer, msg: T, version: number): void;
  /** Reads a whole body at `version` or throws a DecodeError; bytes fields are views into the reader's buffer. */
  decode(r: Reader, version: number): T;
}

/** The error an encoder throws when a field that version cannot carry as null is null. */
export function nullFieldError(field: string, version: number): TypeError {
  return new TypeError(`${field} is null, but version ${version} cannot encode a null there`);
}
