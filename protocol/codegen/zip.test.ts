import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readZip } from './zip.ts';

/** Builds a minimal zip with one stored and one deflated entry. */
function makeZip(files: { name: string; data: Buffer; deflate: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const body = f.deflate ? deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name);
    const lfh = Buffer.alloc(30);
    lfh.writeUInt32LE(0x04034b50, 0);
    lfh.writeUInt16LE(f.deflate ? 8 : 0, 8);
    lfh.writeUInt32LE(body.length, 18);
    lfh.writeUInt32LE(f.data.length, 22);
    lfh.writeUInt16LE(name.length, 26);
    const cdh = Buffer.alloc(46);
    cdh.writeUInt32LE(0x02014b50, 0);
    cdh.writeUInt16LE(f.deflate ? 8 : 0, 10);
    cdh.writeUInt32LE(body.length, 20);
    cdh.writeUInt32LE(f.data.length, 24);
    cdh.writeUInt16LE(name.length, 28);
    cdh.writeUInt32LE(offset, 42);
    locals.push(lfh, name, body);
    centrals.push(cdh, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('readZip', () => {
  it('reads stored and deflated entries', () => {
    const text = Buffer.from('{ "name": "X" }\n'.repeat(50));
    const zip = makeZip([
      { name: 'a/stored.json', data: Buffer.from('plain'), deflate: false },
      { name: 'a/deflated.json', data: text, deflate: true },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['a/stored.json', 'a/deflated.json']);
    expect(entries[0]!.read().toString()).toBe('plain');
    expect(entries[1]!.read()).toEqual(text);
  });

  it('rejects a buffer that is not a zip', () => {
    expect(() => readZip(Buffer.alloc(100))).toThrow(/not a zip/);
  });
});
