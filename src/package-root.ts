import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder Footnote is installed in, the one with its package.json: where `corpus/` and
 * `bin/` are. Found by walking up from this file rather than by counting `..`, because the same
 * code runs from `src/` (tests, through tsx) and compiled from `dist/src/`, one level deeper.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** Whether this process runs the compiled code (dist/) rather than the TypeScript sources. */
export const RUNNING_COMPILED = import.meta.url.endsWith('.js');

function findPackageRoot(start: string): string {
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) throw new Error(`No package.json above ${start}.`);
  }
}
