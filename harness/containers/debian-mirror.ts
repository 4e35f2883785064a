/**
 * Finds the Debian mirror this machine's apt sources name, so debootstrap fetches the JRE base
 * image from the same place apt-get does (the only package source that is reachable here).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Used when the apt sources name no plain Debian mirror. */
export const FALLBACK_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

interface AptSource {
  readonly uri: string;
  readonly suites: readonly string[];
}

/** Reads one-line `.list` sources (`deb [opts] URI SUITE COMPONENT…`). */
export function parseListSources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m) out.push({ uri: m[1]!, suites: [m[2]!] });
  }
  return out;
}

/** Reads deb822 `.sources` stanzas (`Types: deb`, `URIs:`, `Suites:`), skipping disabled ones. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if ((fields.get('enabled') ?? 'yes').toLowerCase() === 'no') continue;
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) out.push({ uri, suites });
  }
  return out;
}

/**
 * The first http(s) source that carries `suite` itself (not `suite-security` or
 * `suite-updates`, which debootstrap cannot bootstrap from), without a trailing slash.
 */
export function pickMirror(sources: readonly AptSource[], suite: string): string | undefined {
  const hit = sources.find((s) => /^https?:\/\//.test(s.uri) && s.suites.includes(suite));
  return hit?.uri.replace(/\/+$/, '');
}

/**
 * The mirror for debootstrap: `$KCONFORM_DEBIAN_MIRROR`, else the one the apt sources under
 * `aptDir` name for `suite`, else {@link FALLBACK_DEBIAN_MIRROR}.
 */
export function debianMirror(suite: string, env: NodeJS.ProcessEnv = process.env, aptDir = '/etc/apt'): string {
  if (env.KCONFORM_DEBIAN_MIRROR) return env.KCONFORM_DEBIAN_MIRROR;
  const sources: AptSource[] = [];
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  sources.push(...parseListSources(read(join(aptDir, 'sources.list'))));
  let names: string[] = [];
  try {
    names = readdirSync(join(aptDir, 'sources.list.d')).sort();
  } catch {
    // no sources.list.d: only sources.list counts
  }
  for (const name of names) {
    const text = read(join(aptDir, 'sources.list.d', name));
    if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(text));
    else if (name.endsWith('.list')) sources.push(...parseListSources(text));
  }
  return pickMirror(sources, suite) ?? FALLBACK_DEBIAN_MIRROR;
}
