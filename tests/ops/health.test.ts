import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthChecks } from '../../src/http/health.ts';
import { probeWritable } from '../../src/runtime/data-directory.ts';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'footnote-health-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('runHealthChecks', () => {
  it('is healthy when every check passes', async () => {
    expect(await runHealthChecks([{ name: 'a', check: () => undefined }])).toEqual({
      healthy: true,
      checks: { a: 'ok' },
    });
  });

  it('names each failing check and its reason in one line', async () => {
    const report = await runHealthChecks([
      { name: 'gateway', check: () => 'shard 0 resuming' },
      { name: 'index', check: () => undefined },
      { name: 'data', check: async () => 'cannot write' },
    ]);
    expect(report).toEqual({
      healthy: false,
      checks: { gateway: 'shard 0 resuming', index: 'ok', data: 'cannot write' },
      reason: 'gateway: shard 0 resuming; data: cannot write',
    });
  });

  it('fails a check that throws, with its message', async () => {
    const report = await runHealthChecks([
      {
        name: 'store',
        check: () => {
          throw new Error('database is locked');
        },
      },
    ]);
    expect(report.checks).toEqual({ store: 'database is locked' });
  });

  it('fails a check that does not answer in time, instead of hanging the probe', async () => {
    const report = await runHealthChecks(
      [{ name: 'disk', check: () => new Promise<undefined>(() => {}) }],
      20,
    );
    expect(report.checks).toEqual({ disk: 'no answer within 20 ms' });
  });
});

describe('probeWritable', () => {
  it('passes for a directory it can write in, and leaves nothing behind', async () => {
    const dir = join(scratch, 'data');
    expect(await probeWritable(dir)).toBeUndefined();
    expect(await import('node:fs/promises').then(({ readdir }) => readdir(dir))).toEqual([]);
  });

  it('explains a file in the way of the directory', async () => {
    const file = join(scratch, 'not-a-directory');
    await writeFile(file, 'x');
    expect(await probeWritable(join(file, 'data'))).toBe(
      'a part of the path is not a directory (ENOTDIR)',
    );
  });
});
