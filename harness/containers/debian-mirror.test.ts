import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  debianMirror,
  FALLBACK_DEBIAN_MIRROR,
  parseDeb822Sources,
  parseListSources,
  pickMirror,
} from './debian-mirror.ts';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
`;

describe('apt sources', () => {
  it('reads deb822 stanzas', () => {
    expect(parseDeb822Sources(DEB822)).toEqual([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'http://deb.debian.org/debian-security', suites: ['bookworm-security'] },
    ]);
  });

  it('skips deb-src and disabled stanzas', () => {
    expect(parseDeb822Sources('Types: deb-src\nURIs: http://a/debian\nSuites: bookworm\n')).toEqual([]);
    expect(parseDeb822Sources('Types: deb\nEnabled: no\nURIs: http://a/debian\nSuites: bookworm\n')).toEqual([]);
  });

  it('reads one-line sources with options and comments', () => {
    expect(
      parseListSources(
        '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian/ bookworm main\ndeb-src http://x bookworm main\n',
      ),
    ).toEqual([{ uri: 'http://mirror.example/debian/', suites: ['bookworm'] }]);
  });

  it('picks the source of the suite itself, not -security', () => {
    const sources = [
      { uri: 'http://deb.debian.org/debian-security', suites: ['bookworm-security'] },
      { uri: 'http://mirror.example/debian/', suites: ['bookworm'] },
    ];
    expect(pickMirror(sources, 'bookworm')).toBe('http://mirror.example/debian');
    expect(pickMirror(sources, 'trixie')).toBeUndefined();
  });
});

describe('debianMirror', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads sources.list.d, honours the override, falls back', () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-apt-'));
    mkdirSync(join(dir, 'sources.list.d'));
    expect(debianMirror('bookworm', {}, dir)).toBe(FALLBACK_DEBIAN_MIRROR);
    writeFileSync(
      join(dir, 'sources.list.d', 'debian.sources'),
      DEB822.replace('deb.debian.org/debian\n', 'mirror.example/debian\n'),
    );
    expect(debianMirror('bookworm', {}, dir)).toBe('http://mirror.example/debian');
    expect(debianMirror('bookworm', { KCONFORM_DEBIAN_MIRROR: 'http://m/debian' }, dir)).toBe('http://m/debian');
  });
});
