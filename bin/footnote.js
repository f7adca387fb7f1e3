#!/usr/bin/env node
// The `footnote` command: the compiled code in dist/, which `npm run build` writes (`npm ci`
// runs it). No TypeScript at run time; tests run the sources through bin/run-ts.js instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/bin/main.js', import.meta.url);
if (!existsSync(entry)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`footnote: not built yet: run "npm run build" in ${root}\n`);
  process.exit(1);
}
await import(entry.href);
