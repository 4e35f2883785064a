/**
 * `npm run build:lib`: compiles the library and the CLI it starts broker processes with into
 * dist/ (JavaScript and .d.ts, the `.ts` import specifiers rewritten to `.js`), then copies the
 * files the compiled code reads beside itself at run time (the report's script and styles, the
 * container entrypoint, the Python client driver). Incremental: a second build with nothing
 * changed takes seconds. Node refuses to strip types under node_modules, so an installed
 * package must be JavaScript.
 *
 *   node app/library/build-package.ts
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'dist');
const SOURCES = ['protocol', 'reference-broker', 'harness', 'scenarios', 'reports', 'app'];
/** Files read beside the code at run time (through import.meta.dirname / import.meta.url). */
const ASSETS = new Set(['.js', '.css', '.sh', '.py']);

function assets(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : assets(path);
    return ASSETS.has(extname(e.name)) ? [path] : [];
  });
}

/** A relative `.ts` specifier in `from '…'`, `import('…')` or `import '…'`. */
const RELATIVE_TS = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g;

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return declarationFiles(path);
    return e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const built = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.lib.json')], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error('build:lib: tsc failed');
  process.exit(built.status ?? 1);
}
// tsc rewrites the specifiers of the JavaScript it emits, not of the declarations: a user's
// compiler must find `./x.js` (with x.d.ts beside it), as for any package.
let declarations = 0;
for (const file of declarationFiles(OUT)) {
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(RELATIVE_TS, '$1$2.js$3');
  if (fixed !== text) {
    writeFileSync(file, fixed);
    declarations++;
  }
}
let copied = 0;
for (const file of SOURCES.flatMap((d) => assets(join(ROOT, d)))) {
  const to = join(OUT, relative(ROOT, file));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(file, to);
  copied++;
}
console.log(
  `build:lib: dist/ built (${declarations} declaration files' specifiers rewritten), ${copied} run-time files copied`,
);
