/** Reading a process log for error messages: its last lines, and its first errors. */
import { open } from 'node:fs/promises';

async function readRange(file: string, fromEnd: boolean, maxBytes: number): Promise<string> {
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const length = Math.min(size, maxBytes);
      const buf = Buffer.alloc(length);
      await fh.read(buf, 0, length, fromEnd ? size - length : 0);
      return buf.toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return '';
  }
}

/** The last `lines` lines of `file` (reads at most its last 256 KiB); '' if unreadable. */
export async function tailLines(file: string, lines: number): Promise<string> {
  const text = await readRange(file, true, 256 * 1024);
  return text.replace(/\n$/, '').split('\n').slice(-lines).join('\n');
}

/**
 * The first `max` ERROR/FATAL entries of a log4j-formatted `file`, each with the exception
 * line that follows it. A failing broker logs its cause once and then hundreds of shutdown
 * lines, so the cause is rarely in the tail.
 */
export async function firstErrors(file: string, max: number): Promise<string> {
  const lines = (await readRange(file, false, 8 * 1024 * 1024)).split('\n');
  const out: string[] = [];
  let found = 0;
  for (let i = 0; i < lines.length && found < max; i++) {
    if (!/^\[[^\]]+\] (ERROR|FATAL) /.test(lines[i]!)) continue;
    found++;
    out.push(lines[i]!);
    const next = lines[i + 1];
    if (next !== undefined && next !== '' && !next.startsWith('[') && !next.startsWith('\t')) out.push(next);
  }
  return out.join('\n');
}
