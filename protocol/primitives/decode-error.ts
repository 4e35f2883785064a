/**
 * The one error a decoder throws: the message could not be read whole.
 * It names the field being read and the byte offset where reading failed,
 * so a malformed frame can be reported precisely (and a fuzz failure reproduced).
 */
export class DecodeError extends Error {
  /** Byte offset (from the start of the buffer being decoded) where the failure happened. */
  readonly offset: number;
  /** Name of the field that was being read, e.g. `ProduceRequest.TopicData.Name`. */
  readonly field: string;

  constructor(reason: string, field: string, offset: number) {
    super(`${reason} while reading ${field} at byte ${offset}`);
    this.name = 'DecodeError';
    this.field = field;
    this.offset = offset;
  }
}
