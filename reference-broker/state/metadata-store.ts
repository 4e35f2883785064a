import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A topic as remembered across restarts. */
export interface StoredTopic {
  name: string;
  id: string;
  partitions: number;
  configs: Record<string, string>;
}

/** What the broker keeps besides partition logs, in `DATA_DIR/kconform-metadata.json`. */
export interface StoredMetadata {
  version: 1;
  clusterId: string;
  topics: StoredTopic[];
  /** The next producer id to hand out, so ids are never reused after a restart. */
  nextProducerId: number;
  /** Committed group offsets and group metadata, as the group coordinator snapshots them. */
  groups: unknown;
}

/** Writes `data` to `path` atomically: a torn write leaves the previous file in place. */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Loads and saves the broker's metadata file in its data directory. */
export class MetadataStore {
  private readonly path: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'kconform-metadata.json');
  }

  load(): StoredMetadata | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    let parsed: StoredMetadata;
    try {
      parsed = JSON.parse(text) as StoredMetadata;
    } catch (e) {
      // Written atomically, so only damage from outside tears it; name the file so it can be repaired or moved away.
      throw new Error(`${this.path} is damaged (${text.length} bytes, ${(e as Error).message}); repair it or move it away (the broker then forgets its topic list and committed offsets)`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${this.path} is damaged (not a JSON object); repair it or move it away`);
    if (parsed.version !== 1) throw new Error(`${this.path}: unsupported metadata version ${String(parsed.version)}`);
    return parsed;
  }

  save(meta: StoredMetadata): void {
    writeFileAtomic(this.path, JSON.stringify(meta));
  }
}
