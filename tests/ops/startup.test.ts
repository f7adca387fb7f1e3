import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../commands/index.ts';
import { runBot } from '../../src/app/run.ts';
import { StoreError } from '../../src/store/errors.ts';
import { FakeDiscord } from '../fake-discord/fake-discord.mjs';
import { FOOTNOTE_ARGS } from '../footnote-command.ts';

const run = promisify(execFile);

let fake: FakeDiscord;
let scratch: string;
/** A data directory nobody can create, root included: a file stands in its way. */
let blockedDataDir: string;

beforeAll(async () => {
  fake = await new FakeDiscord().start();
  scratch = await mkdtemp(join(tmpdir(), 'footnote-startup-'));
  await writeFile(join(scratch, 'a-file'), 'not a directory');
  blockedDataDir = join(scratch, 'a-file', 'data');
});
afterAll(async () => {
  await fake?.stop();
  await rm(scratch, { recursive: true, force: true });
});

const env = () => ({
  PATH: process.env['PATH'] ?? '',
  DISCORD_TOKEN: 'startup-test-token',
  DISCORD_API_BASE: fake.apiBase,
  FOOTNOTE_DATA_DIR: blockedDataDir,
  FOOTNOTE_HTTP_PORT: '0',
  FOOTNOTE_HTTP_HOST: '127.0.0.1',
});

describe('an unwritable data directory at startup', () => {
  it('stops runBot with a StoreError saying where and what to do, before contacting Discord', async () => {
    const start = runBot(env(), registry, {
      handleSignals: false,
      logDestination: { write: () => {} },
    });
    await expect(start).rejects.toThrow(StoreError);
    await expect(start).rejects.toThrow(
      `Cannot write in the data directory ${blockedDataDir}: a part of the path is not a directory (ENOTDIR).`,
    );
    expect(fake.requests).toEqual([]);
  });

  it('makes `footnote start` exit 1 with that one line on stderr, no stack trace', async () => {
    const failure = await run(process.execPath, [...FOOTNOTE_ARGS, 'start'], {
      env: env(),
      cwd: scratch,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(/^footnote: Cannot write in the data directory [^\n]+\n$/u);
    expect(failure.stderr).toContain('make it writable by the user running Footnote');
  });
});
