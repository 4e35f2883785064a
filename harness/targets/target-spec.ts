import { LATEST_KAFKA_VERSION } from '../kafka-dist/kafka-version.ts';

/**
 * A parsed `--target` SPEC (DESIGN.md: reference | kafka[@VERSION[,zk]] | container[@IMAGE] |
 * external@HOST:PORT). A bare `kafka` is the newest supported release, as a bare `container` is
 * the default image.
 */
export type TargetSpec =
  | { kind: 'reference' }
  | { kind: 'kafka'; version: string; zookeeper: boolean }
  | { kind: 'container'; image: string | undefined }
  | { kind: 'external'; host: string; port: number };

/** Parses a target spec, or throws an Error whose message says what is wrong. */
export function parseTargetSpec(spec: string): TargetSpec {
  const s = spec.trim();
  if (s === 'reference') return { kind: 'reference' };
  const at = s.indexOf('@');
  const kind = at < 0 ? s : s.slice(0, at);
  const arg = at < 0 ? '' : s.slice(at + 1);
  switch (kind) {
    case 'kafka': {
      if (at < 0) return { kind: 'kafka', version: LATEST_KAFKA_VERSION, zookeeper: false };
      const [version, mode, ...rest] = arg.split(',');
      if (!version || !/^\d+\.\d+\.\d+$/.test(version) || rest.length > 0 || (mode !== undefined && mode !== 'zk')) {
        throw new Error(`bad target '${spec}': expected kafka, kafka@X.Y.Z or kafka@X.Y.Z,zk`);
      }
      return { kind: 'kafka', version, zookeeper: mode === 'zk' };
    }
    case 'container':
      // bare `container` means the default image (the locally built one, else apache/kafka)
      if (at >= 0 && !arg) throw new Error(`bad target '${spec}': expected container or container@IMAGE`);
      return { kind: 'container', image: arg || undefined };
    case 'external': {
      const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(arg);
      const port = m ? Number(m[3]) : NaN;
      if (!m || port < 1 || port > 65535) throw new Error(`bad target '${spec}': expected external@HOST:PORT`);
      return { kind: 'external', host: (m[1] ?? m[2])!, port };
    }
    default:
      throw new Error(`unknown target '${spec}': expected reference, kafka[@VERSION], container[@IMAGE] or external@HOST:PORT`);
  }
}
