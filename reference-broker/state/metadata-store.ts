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
    const parsed = JSON.parse(text) as StoredMetadata;
    if (parsed.version !== 1) throw new Error(`${this.path}: unsupported metadata version ${String(parsed.version)}`);
    return parsed;
  }

  save(meta: StoredMetadata): void {
    writeFileAtomic(this.path, JSON.stringify(meta));
  }
}
