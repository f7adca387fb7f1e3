import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p` that fails instead of spinning. Node's `{ recursive: true }` retries for ever where
 * mkdir answers ENOENT although the parent exists (`/proc/nope`, some FUSE mounts); this creates
 * one level at a time and lets the second ENOENT through. Errors are the file system's own
 * (ENOENT, EACCES, ENOTDIR, EEXIST for a file in the way), for the caller to phrase.
 *
 * @example
 * await makeDirectory('./data/cache'); // creates data/ and data/cache/ as needed
 * await makeDirectory('/proc/nope'); // rejects with ENOENT at once
 */
export async function makeDirectory(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (error) {
    if (!(await shouldCreateParent(error, path))) return;
  }
  await makeDirectory(dirname(path));
  await mkdir(path);
}

/** `makeDirectory`, synchronously (for code that opens the store synchronously). */
export function makeDirectorySync(path: string): void {
  try {
    mkdirSync(path);
    return;
  } catch (error) {
    if (!shouldCreateParentSync(error, path)) return;
  }
  makeDirectorySync(dirname(path));
  mkdirSync(path);
}

/** false: `path` is already a directory; true: create the parent first; otherwise throws. */
async function shouldCreateParent(error: unknown, path: string): Promise<boolean> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' && (await stat(path)).isDirectory()) return false;
  if (code === 'ENOENT' && dirname(path) !== path) return true;
  throw error;
}

function shouldCreateParentSync(error: unknown, path: string): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' && statSync(path).isDirectory()) return false;
  if (code === 'ENOENT' && dirname(path) !== path) return true;
  throw error;
}
