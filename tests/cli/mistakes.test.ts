import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { footnoteInProcess } from './in-process.ts';
import { makeDirectory, makeDirectorySync } from '../../src/make-directory.ts';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'footnote-mistakes-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** `footnote …` in this process, output piped, with only the given environment. */
function footnote(args: string[], env: Record<string, string> = {}) {
  return footnoteInProcess(args, {
    env: { FOOTNOTE_DATA_DIR: join(scratch, 'data'), LOG_LEVEL: 'silent', ...env },
    loadCommands: async () => (await import('../../commands/index.ts')).registry,
  });
}

describe('a command line footnote cannot read', () => {
  it('names the unknown option, then prints the usage', async () => {
    const { code, stderr } = await footnote(['ask', '--colour', 'QR codes']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('footnote: unknown option "--colour".');
    expect(stderr).toContain('Usage:\n  footnote ask "<question>"');
    expect(stderr).not.toContain("'--'");
  });

  it('says an option needs its value', async () => {
    const { code, stderr } = await footnote(['list', '--data']);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('footnote: --data needs a value, e.g. --data <value>.');
  });
});

describe('a data directory that cannot be created', () => {
  // mkdir in /proc answers ENOENT although /proc exists: Node's recursive mkdir retried for ever.
  it('fails at once with one line naming it', async () => {
    const { code, stdout, stderr } = await footnote(['list', '--data', '/proc/nope']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'footnote: Could not open the document store in /proc/nope: the directory cannot be created there (ENOENT).\n',
    );
  });

  it('is the one --data names when the bot starts, not FOOTNOTE_DATA_DIR', async () => {
    const { code, stderr } = await footnote(['start', '--data', '/proc/nope'], {
      DISCORD_TOKEN: 'mistakes-token',
      FOOTNOTE_DATA_DIR: join(scratch, 'elsewhere'),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^footnote: Cannot write in the data directory \/proc\/nope: /u);
    await expect(stat(join(scratch, 'elsewhere'))).rejects.toThrow('ENOENT');
  });
});

describe('makeDirectory', () => {
  it('creates the missing folders of a path, and accepts one that exists', async () => {
    const deep = join(scratch, 'a', 'b', 'c');
    await makeDirectory(deep);
    await makeDirectory(deep);
    makeDirectorySync(join(deep, 'd'));
    expect((await stat(join(deep, 'd'))).isDirectory()).toBe(true);
  });

  it('refuses where mkdir cannot create, instead of retrying', async () => {
    await expect(makeDirectory('/proc/nope/deeper')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => makeDirectorySync('/proc/nope')).toThrow(/ENOENT/u);
  });

  it('refuses a file in the way', async () => {
    const file = join(scratch, 'file');
    await writeFile(file, 'x');
    await expect(makeDirectory(file)).rejects.toMatchObject({ code: 'EEXIST' });
  });
});
