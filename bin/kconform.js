#!/usr/bin/env node
// The CLI of `npx kconform`: in a clone it runs from source (app/cli/main.ts, Node strips the
// types); the installed package ships only the built files (Node refuses to strip types inside
// node_modules), so there it runs dist/.
import { existsSync } from 'node:fs';

const source = new URL('../app/cli/main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/app/cli/main.js', import.meta.url).href);
