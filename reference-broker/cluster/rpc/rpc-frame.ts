/** The lines the controller listener exchanges: one JSON object per line, in both directions. */

/** A call: `id` correlates the response (unique per connection), `method` names the handler. */
export interface RpcRequest {
  id: number;
  method: string;
  params?: unknown;
}

/** The answer to request `id`: a result, or an error message when the handler failed. */
export type RpcResponse =
  | { id: number; result: unknown; error?: undefined }
  | { id: number; error: string; result?: undefined };

/** Longest line accepted (a guard against a peer that never sends a newline). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Cuts a byte stream into complete lines; a partial line waits for its newline. */
export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  readonly #maxLineBytes: number;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Returns the lines completed by `chunk`; throws when a line grows past the limit. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const line = this.#pendingBytes === 0 ? piece : Buffer.concat([...this.#pending, piece]);
      this.#pending = [];
      this.#pendingBytes = 0;
      start = nl + 1;
      if (line.length > 0) lines.push(line.toString('utf8'));
    }
    if (start < chunk.length) {
      this.#pending.push(chunk.subarray(start));
      this.#pendingBytes += chunk.length - start;
      if (this.#pendingBytes > this.#maxLineBytes) throw new Error(`line longer than ${this.#maxLineBytes} bytes`);
    }
    return lines;
  }
}
