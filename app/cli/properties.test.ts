import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './exit-codes.ts';
import { isTrue, loadPropertiesFile, parseJavaProperties, parseProperties } from './properties.ts';

describe('console tool properties', () => {
  it('parses --property k=v flags, the value keeping any further =', () => {
    expect([...parseProperties(['a=1', 'b=x=y', 'c='])]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', ''],
    ]);
    expect(() => parseProperties(['novalue'])).toThrow(/expected key=value/);
  });

  it('reads true in any case, as Kafka does', () => {
    expect([isTrue('TRUE'), isTrue(' true '), isTrue('yes'), isTrue(undefined)]).toEqual([true, true, false, false]);
  });

  it('reads a Java .properties file as java.util.Properties does', () => {
    const text = [
      '# comment',
      '! also a comment',
      '',
      'acks=all',
      'client.id : me',
      'linger.ms 5',
      '  compression.type=lz4  ',
      'long=a\\',
      '   b',
      'sep=\\t',
      'key\\=x=1',
      'empty',
    ].join('\n');
    expect(Object.fromEntries(parseJavaProperties(text))).toEqual({
      acks: 'all',
      'client.id': 'me',
      'linger.ms': '5',
      'compression.type': 'lz4  ',
      long: 'ab',
      sep: '\t',
      'key=x': '1',
      empty: '',
    });
  });

  it('names an unreadable properties file in a usage error (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-props-'));
    try {
      writeFileSync(join(dir, 'p.properties'), 'acks=1\n');
      expect(loadPropertiesFile(join(dir, 'p.properties')).get('acks')).toBe('1');
      expect(() => loadPropertiesFile(join(dir, 'missing.properties'))).toThrow(CliError);
      try {
        loadPropertiesFile(join(dir, 'missing.properties'));
      } catch (err) {
        expect((err as CliError).exitCode).toBe(2);
        expect((err as Error).message).toBe(`cannot read properties file ${join(dir, 'missing.properties')}: ENOENT`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
