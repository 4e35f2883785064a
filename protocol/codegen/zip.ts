import { inflateRawSync } from 'node:zlib';

/** One file inside a zip (jar) archive; `read()` inflates it on demand. */
export interface ZipEntry {
  readonly name: string;
  read(): Buffer;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;

/**
 * Lists the entries of a zip archive held in memory. Only what jars use is supported
 * (stored and deflated entries, no zip64), which keeps the generator free of dependencies
 * and of `unzip`/`jar` on the PATH.
 */
export function readZip(buf: Buffer): ZipEntry[] {
  // The end-of-central-directory record sits at the end, before an optional comment (< 64 KiB).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive: no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw new Error('zip64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== CDH_SIG) throw new Error(`bad central directory header at ${p}`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    entries.push({
      name,
      read(): Buffer {
        if (buf.readUInt32LE(local) !== LFH_SIG) throw new Error(`bad local header for ${name}`);
        // The local header's own name/extra lengths may differ from the central directory's.
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) {
          const out = inflateRawSync(data);
          if (out.length !== size) throw new Error(`${name}: inflated ${out.length} bytes, expected ${size}`);
          return out;
        }
        throw new Error(`${name}: unsupported compression method ${method}`);
      },
    });
  }
  return entries;
}
