import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Version written on the first line, as Kafka's CheckpointFile (0). */
const CHECKPOINT_VERSION = 0;

/**
 * Writes a checkpoint in Kafka's CheckpointFile text layout (version line, entry count line,
 * one entry per line) so it is never seen half-written: a temporary file is written and
 * fsynced, renamed over the old one, and the directory is fsynced so the rename survives a
 * crash.
 */
export function writeCheckpoint(path: string, entries: readonly string[]): void {
  const text = `${CHECKPOINT_VERSION}\n${entries.length}\n${entries.map((e) => `${e}\n`).join('')}`;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * Reads the entries of a checkpoint, or null when there is none. A malformed file cannot come
 * from a crash (writes are atomic), so it is reported as an error naming the file.
 */
export function readCheckpoint(path: string): string[] | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const version = Number(lines[0]);
  const count = Number(lines[1]);
  if (version !== CHECKPOINT_VERSION || !Number.isInteger(count) || count < 0 || lines.length !== count + 2) {
    throw new Error(`malformed checkpoint file ${path}`);
  }
  return lines.slice(2);
}

/** Parses a checkpoint entry of whitespace-separated non-negative integers, or throws naming the file. */
export function parseCheckpointNumbers(path: string, entry: string, arity: number): number[] {
  const parts = entry.trim().split(/\s+/);
  const nums = parts.map(Number);
  if (parts.length !== arity || nums.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new Error(`malformed checkpoint entry "${entry}" in ${path}`);
  }
  return nums;
}
