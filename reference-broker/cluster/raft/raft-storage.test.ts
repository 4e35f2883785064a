import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskRaftStorage, MemoryRaftStorage } from './raft-storage.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kconform-raft-storage-'));
  dirs.push(d);
  return d;
}
const entry = (index: number, term = 1) => ({ term, index, data: { n: index } });

describe('raft storage', () => {
  it('keeps term, vote, log and commit index across reopening a directory', () => {
    const dir = tempDir();
    const a = new DiskRaftStorage(dir);
    expect(a.load()).toEqual({ term: 0, votedFor: null, entries: [], commitIndex: 0 });
    a.saveVote(3, 2);
    a.append([entry(1), entry(2), entry(3, 2)]);
    a.saveCommitIndex(2);
    a.close();
    const b = new DiskRaftStorage(dir);
    expect(b.load()).toEqual({ term: 3, votedFor: 2, entries: [entry(1), entry(2), entry(3, 2)], commitIndex: 2 });
    b.close();
  });

  it('truncates a divergent tail and appends after it', () => {
    const dir = tempDir();
    const a = new DiskRaftStorage(dir);
    a.append([entry(1), entry(2), entry(3)]);
    a.truncateFrom(2);
    a.append([entry(2, 5)]);
    a.close();
    const b = new DiskRaftStorage(dir);
    expect(b.load().entries).toEqual([entry(1), entry(2, 5)]);
    b.close();
  });

  it('drops a torn last line, refuses a damaged middle one', () => {
    const dir = tempDir();
    const a = new DiskRaftStorage(dir);
    a.append([entry(1), entry(2)]);
    a.close();
    appendFileSync(join(dir, 'raft-log.jsonl'), '{"term":1,"ind');
    const b = new DiskRaftStorage(dir);
    expect(b.load().entries).toHaveLength(2);
    b.close();
    const lines = readFileSync(join(dir, 'raft-log.jsonl'), 'utf8').split('\n');
    writeFileSync(join(dir, 'raft-log.jsonl'), ['garbage', lines[1], ''].join('\n'));
    expect(() => new DiskRaftStorage(dir)).toThrow(/corrupt entry/);
  });

  it('never reports a commit index beyond the log', () => {
    const dir = tempDir();
    const a = new DiskRaftStorage(dir);
    a.append([entry(1)]);
    a.saveCommitIndex(5);
    a.close();
    const b = new DiskRaftStorage(dir);
    expect(b.load().commitIndex).toBe(1);
    b.close();
  });

  it('memory storage hands out copies', () => {
    const m = new MemoryRaftStorage();
    const e = entry(1);
    m.append([e]);
    e.data.n = 99;
    expect(m.load().entries[0]!.data).toEqual({ n: 1 });
  });
});
