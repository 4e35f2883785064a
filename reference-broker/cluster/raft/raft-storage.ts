/**
 * Where a Raft node keeps what must survive a restart: the current term and vote, the log, and
 * (lazily) the commit index. Two kinds: {@link DiskRaftStorage} (a directory) and
 * {@link MemoryRaftStorage} (unit tests; a "restart" is a new node on the same storage object).
 *
 * The log is never compacted (no snapshots): cluster metadata is small, so the file may grow
 * without bound for now.
 */
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { join } from 'node:path';

/** One log entry: the term of the leader that created it, its position (from 1), and the payload. */
export interface LogEntry {
  term: number;
  index: number;
  data: unknown;
}

/** What a node finds when it opens its storage. */
export interface PersistentState {
  term: number;
  votedFor: number | null;
  entries: LogEntry[];
  /** The last commit index written (lazily, so possibly behind the real one; never ahead of the log). */
  commitIndex: number;
}

/** Durable state of one Raft node. Every method except {@link RaftStorage.saveCommitIndex} is durable when it returns. */
export interface RaftStorage {
  load(): PersistentState;
  /** Term and vote together (a vote is only meaningful within its term). */
  saveVote(term: number, votedFor: number | null): void;
  /** Appends entries that follow the current last one. */
  append(entries: readonly LogEntry[]): void;
  /** Removes the entries at `index` and after (a follower dropping a divergent tail). */
  truncateFrom(index: number): void;
  /** Remembers the commit index; not synced (losing it only means replaying less at the next start). */
  saveCommitIndex(index: number): void;
  close(): void;
}

/** Storage in memory: durable for as long as the object lives, which is what restart tests need. */
export class MemoryRaftStorage implements RaftStorage {
  #term = 0;
  #votedFor: number | null = null;
  #entries: LogEntry[] = [];
  #commitIndex = 0;

  load(): PersistentState {
    return {
      term: this.#term,
      votedFor: this.#votedFor,
      entries: this.#entries.map((e) => structuredClone(e)),
      commitIndex: this.#commitIndex,
    };
  }
  saveVote(term: number, votedFor: number | null): void {
    this.#term = term;
    this.#votedFor = votedFor;
  }
  append(entries: readonly LogEntry[]): void {
    for (const e of entries) this.#entries.push(structuredClone(e));
  }
  truncateFrom(index: number): void {
    this.#entries.length = Math.min(this.#entries.length, index - 1);
  }
  saveCommitIndex(index: number): void {
    this.#commitIndex = index;
  }
  close(): void {}
}

const QUORUM_STATE = 'quorum-state.json';
const LOG_FILE = 'raft-log.jsonl';
const COMMIT_FILE = 'commit-index.json';

/**
 * Storage in a directory: `quorum-state.json` (term and vote: written to a temp file, fsynced,
 * renamed), `raft-log.jsonl` (one entry per line, fsynced on every append; a torn last line from a
 * crash mid-write is dropped on open) and `commit-index.json` (renamed into place, not fsynced).
 */
export class DiskRaftStorage implements RaftStorage {
  readonly dir: string;
  #logFd: number;
  /** Byte offset where each entry's line starts, so a truncation is one ftruncate. */
  #lineStarts: number[] = [];
  #logBytes = 0;
  #loaded: PersistentState;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    const { entries, lineStarts, validBytes, totalBytes } = readLog(join(dir, LOG_FILE));
    this.#logFd = openSync(join(dir, LOG_FILE), 'a+');
    if (validBytes < totalBytes) {
      // A crash during an append leaves a partial last line: it was never acknowledged, drop it.
      ftruncateSync(this.#logFd, validBytes);
      fsyncSync(this.#logFd);
    }
    this.#lineStarts = lineStarts;
    this.#logBytes = validBytes;
    syncDir(dir);
    const vote = readJson(join(dir, QUORUM_STATE)) as { term?: number; votedFor?: number | null } | undefined;
    const commit = readJson(join(dir, COMMIT_FILE)) as { commitIndex?: number } | undefined;
    this.#loaded = {
      term: typeof vote?.term === 'number' ? vote.term : 0,
      votedFor: typeof vote?.votedFor === 'number' ? vote.votedFor : null,
      entries,
      commitIndex: Math.min(typeof commit?.commitIndex === 'number' ? commit.commitIndex : 0, entries.length),
    };
  }

  load(): PersistentState {
    return this.#loaded;
  }

  saveVote(term: number, votedFor: number | null): void {
    writeDurably(this.dir, QUORUM_STATE, `${JSON.stringify({ term, votedFor })}\n`, true);
  }

  append(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    let text = '';
    for (const e of entries) {
      const line = `${JSON.stringify(e)}\n`;
      this.#lineStarts.push(this.#logBytes + Buffer.byteLength(text));
      text += line;
    }
    const bytes = Buffer.from(text, 'utf8');
    writeSync(this.#logFd, bytes);
    fsyncSync(this.#logFd);
    this.#logBytes += bytes.length;
  }

  truncateFrom(index: number): void {
    if (index - 1 >= this.#lineStarts.length) return;
    const at = this.#lineStarts[index - 1]!;
    ftruncateSync(this.#logFd, at);
    fsyncSync(this.#logFd);
    this.#lineStarts.length = index - 1;
    this.#logBytes = at;
  }

  saveCommitIndex(index: number): void {
    writeDurably(this.dir, COMMIT_FILE, `${JSON.stringify({ commitIndex: index })}\n`, false);
  }

  close(): void {
    if (this.#logFd >= 0) closeSync(this.#logFd);
    this.#logFd = -1;
  }
}

/** Reads the log file: the entries of every complete, well-formed line; a bad last line is cut off. */
function readLog(path: string): { entries: LogEntry[]; lineStarts: number[]; validBytes: number; totalBytes: number } {
  if (!existsSync(path)) return { entries: [], lineStarts: [], validBytes: 0, totalBytes: 0 };
  const bytes = readFileSync(path);
  const entries: LogEntry[] = [];
  const lineStarts: number[] = [];
  let start = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(10, start);
    if (nl === -1) break; // torn last line: no newline was written
    const entry = parseEntry(bytes.subarray(start, nl).toString('utf8'));
    if (!entry || entry.index !== entries.length + 1) {
      if (nl + 1 >= bytes.length) break; // the last line is garbage: torn by a crash
      throw new Error(
        `${path}: corrupt entry at byte ${start} (expected index ${entries.length + 1}); refusing to start on a damaged Raft log`,
      );
    }
    lineStarts.push(start);
    entries.push(entry);
    start = nl + 1;
  }
  return { entries, lineStarts, validBytes: start, totalBytes: bytes.length };
}

function parseEntry(line: string): LogEntry | undefined {
  try {
    const e = JSON.parse(line) as LogEntry;
    if (typeof e === 'object' && e !== null && Number.isInteger(e.term) && Number.isInteger(e.index)) return e;
  } catch {
    // fall through
  }
  return undefined;
}

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // a lazily written file cut by a crash: treated as absent
  }
}

/** Writes a small file atomically: temp file (fsynced when `sync`), rename over the old one, directory fsynced. */
function writeDurably(dir: string, name: string, text: string, sync: boolean): void {
  const tmp = join(dir, `${name}.tmp`);
  writeFileSync(tmp, text);
  if (sync) {
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  renameSync(tmp, join(dir, name));
  if (sync) syncDir(dir);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
