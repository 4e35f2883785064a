import { join } from 'node:path';

/** The three files of a segment, named as Kafka names them: the base offset in 20 digits. */
export interface SegmentPaths {
  log: string;
  index: string;
  timeIndex: string;
}

/** Kafka's file name stem for a segment starting at `baseOffset`. */
export function segmentStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

/** Paths of the segment starting at `baseOffset` in `dir`. */
export function segmentPaths(dir: string, baseOffset: number): SegmentPaths {
  const stem = join(dir, segmentStem(baseOffset));
  return { log: `${stem}.log`, index: `${stem}.index`, timeIndex: `${stem}.timeindex` };
}

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

/** Splits a file name into base offset and kind when it names a segment file, else null. */
export function parseSegmentFileName(name: string): { baseOffset: number; kind: 'log' | 'index' | 'timeindex' } | null {
  const m = SEGMENT_FILE.exec(name);
  if (!m) return null;
  const baseOffset = Number(m[1]);
  if (!Number.isSafeInteger(baseOffset)) return null;
  return { baseOffset, kind: m[2] as 'log' | 'index' | 'timeindex' };
}
