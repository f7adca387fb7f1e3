import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HealthCheck } from '../http/health.ts';
import { makeDirectory } from '../make-directory.ts';
import { StoreError } from '../store/errors.ts';

/**
 * Whether Footnote can write in `dataDir`: creates it if needed, then writes and removes a small
 * probe file. Resolves with `undefined` when it can, or why not ("permission denied", "the file
 * system is read-only"…). Root ignores file modes, so only a read-only mount or a file in the
 * way stops it.
 *
 * @example
 * await probeWritable('/var/lib/footnote'); // undefined
 * await probeWritable('/etc/hostname/data'); // "a part of the path is not a directory (ENOTDIR)"
 */
export async function probeWritable(dataDir: string): Promise<string | undefined> {
  const probe = join(dataDir, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await makeDirectory(dataDir);
    await writeFile(probe, 'footnote');
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code
      ? `${FILE_SYSTEM_REASONS[code] ?? 'it cannot be written'} (${code})`
      : String(error);
  }
}

const FILE_SYSTEM_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'a file is in the way',
};

/** The data directory's health check (`/healthz` "data"): whether it can still be written. */
export function dataDirectoryCheck(dataDir: string): HealthCheck {
  return {
    name: 'data',
    check: async () => {
      const problem = await probeWritable(dataDir);
      return problem && `cannot write in ${dataDir}: ${problem}`;
    },
  };
}

/**
 * Refuses to start when the data directory cannot be written, with one line saying what to do:
 * a bot that started anyway would fail at its first save, and a container would restart it for
 * ever. A `StoreError`, so `footnote start` prints it without a stack trace and exits 1.
 */
export async function ensureWritableDataDir(dataDir: string): Promise<void> {
  const problem = await probeWritable(dataDir);
  if (problem)
    throw new StoreError(
      `Cannot write in the data directory ${dataDir}: ${problem}. Footnote keeps its documents ` +
        'and index there: make it writable by the user running Footnote (in Docker, the volume ' +
        'mounted at /data), or set FOOTNOTE_DATA_DIR to another directory.',
    );
}
