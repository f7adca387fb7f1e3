import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { footnoteInProcess } from './in-process.ts';
import { openStore } from '../../src/store/store.ts';
import { minimalPdf } from '../ingest/fixtures.ts';
import { startTestServer, type TestServer } from '../ingest/server.ts';
import { FOOTNOTE_ARGS } from '../footnote-command.ts';
import { guildScope } from '../../src/core/scope.ts';

const GUILD = '555555555555555555';
const OTHER_GUILD = '666666666666666666';
let dataDir: string;
let server: TestServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-cli-add-'));
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    FOOTNOTE_DATA_DIR: dataDir,
    FOOTNOTE_ALLOW_LOOPBACK_URLS: 'true',
    NO_COLOR: '1',
    ...extra,
  };
}

/** `footnote …` spawned as a user runs it, with its output piped (not a terminal). */
async function spawned(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...FOOTNOTE_ARGS, ...args],
      {
        env: environment(),
        cwd: dataDir,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

/** `footnote …` in this process (faster), with `stdin` as standard input. */
function footnote(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return footnoteInProcess(args, { env: environment(options.env), stdin: options.stdin });
}

async function storedTitles(guildId: string): Promise<string[]> {
  const store = await openStore(dataDir);
  try {
    return (await store.listDocuments(guildScope(guildId))).map((document) => document.title);
  } finally {
    await store.close();
  }
}

describe('footnote add', () => {
  it('previews without writing when piped and not given --yes, says how to add, and exits 1', async () => {
    const { code, stdout, stderr } = await spawned(
      'add',
      `${server.origin}/article`,
      '--guild',
      GUILD,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('*Lead in school water: the full results*');
    expect(stdout).toContain('  site      Riverside Gazette');
    expect(stdout).toContain('  author    Ada Byline');
    expect(stdout).toContain('  published 14 March 2023');
    expect(stdout).toMatch(/ {2}length {4}[\d,]+ characters, \d+ words, \d+ passages?/);
    expect(stdout).toContain('First passage:\n  Passports');
    expect(stderr).toBe('Nothing was added: pass --yes to add it without asking.\n');
    expect(await storedTitles(GUILD)).toEqual([]);
  });

  it('adds with --yes to one server, then refuses the same URL there, naming the document', async () => {
    const added = await spawned('add', `${server.origin}/article`, '--guild', GUILD, '--yes');
    expect(added.code).toBe(0);
    const id = /as (lead-in-school-water-the-full-results-[0-9a-f]{6}),/.exec(added.stdout)?.[1];
    expect(added.stdout).toContain(`, visible in server ${GUILD}.`);
    expect(id).toBeDefined();

    const again = await footnote(['add', `${server.origin}/redirect/2`, '--guild', GUILD, '--yes']);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(
      `Duplicate: That address was already added as “Lead in school water: the full results” (${id}).`,
    );
    expect(again.stderr).toBe(
      `footnote: That address was already added as “Lead in school water: the full results” (${id}).\n`,
    );
    expect(await storedTitles(GUILD)).toEqual(['Lead in school water: the full results']);

    const list = await footnote(['list', '--guild', GUILD, '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject([
      {
        id,
        scope: { kind: 'guild', guildId: GUILD },
        origin: 'operator',
        addedBy: expect.stringMatching(/^cli/),
      },
    ]);
    const history = await footnote(['history', '--guild', GUILD]);
    expect(history.stdout).toMatch(
      new RegExp(`add +${id} +“Lead in school water: the full results” +by cli`),
    );

    const elsewhere = await footnote([
      'ask',
      '--guild',
      OTHER_GUILD,
      'How many schools were tested for lead?',
    ]);
    expect(elsewhere.stdout).not.toContain(id);
    const here = await footnote([
      'ask',
      '--guild',
      GUILD,
      'How many schools were tested for lead?',
    ]);
    expect(here.stdout).toContain(`id ${id}`);
  });

  it('adds standard input for every server, with a title given on the command line', async () => {
    const text =
      'Harbour bulletin\n\nThe Gullholm ferry now also departs at four in the afternoon.';
    const added = await footnote(['add', '-', '--yes', '--title', 'Gullholm ferry bulletin'], {
      stdin: text,
    });
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('  source    file: standard input');
    expect(added.stdout).toContain('visible in every server.');
    const answer = await footnote(['ask', 'When does the Gullholm ferry depart?']);
    expect(answer.stdout).toContain('Gullholm ferry bulletin');
  });

  it('lists and shows what the operator added as the operator’s, apart from what shipped', async () => {
    const text =
      'Harbour bulletin\n\nThe Gullholm ferry now also departs at four in the afternoon.';
    await footnote(['add', '-', '--yes', '--title', 'Gullholm ferry bulletin'], { stdin: text });
    const id = (await footnote(['list', '--json'])).stdout.match(
      /gullholm-ferry-bulletin-[0-9a-f]{6}/u,
    )?.[0];
    expect(id).toBeDefined();

    const list = (await footnote(['list'])).stdout;
    expect(list).toMatch(
      new RegExp(`${id}\\n {19}Gullholm ferry bulletin\\n {19}added by the operator\\n`, 'u'),
    );
    expect(list).toMatch(/bashkortostan-covid-passports\n {19}.+\n {19}shipped with Footnote/u);
    expect(list).not.toContain('shipped corpus');

    const listed = JSON.parse((await footnote(['list', '--json'])).stdout) as Array<{
      id: string;
      origin: string;
      scope: unknown;
    }>;
    expect(listed.find((document) => document.id === id)).toMatchObject({
      origin: 'operator',
      scope: { kind: 'global' },
    });
    expect(
      listed.find((document) => document.id === 'bashkortostan-covid-passports'),
    ).toMatchObject({
      origin: 'shipped',
      scope: { kind: 'global' },
    });

    const source = (await footnote(['source', id!])).stdout;
    expect(source).toContain('  seen in   every server\n');
    expect(source).toContain('  origin    added by the operator\n');
  });

  it('titles a .txt file by its first line, which does not also open the first passage', async () => {
    const path = join(dataDir, 'lighthouse.txt');
    await writeFile(
      path,
      'Lighthouse opening hours\n\nThe Gullholm lighthouse opens to visitors at noon on Sundays.\n',
    );
    expect((await footnote(['add', path, '--yes'])).code).toBe(0);
    const asked = await footnote(['ask', 'When does the Gullholm lighthouse open?', '--json']);
    const [cited] = JSON.parse(asked.stdout).citations;
    expect(cited.title).toBe('Lighthouse opening hours');
    expect(cited.passage).toBe('The Gullholm lighthouse opens to visitors at noon on Sundays.');
    expect(cited.excerpt).not.toContain('Lighthouse opening hours');
  });

  it('adds a PDF file, and refuses a missing file in one line', async () => {
    const path = join(dataDir, 'tides.pdf');
    await writeFile(
      path,
      minimalPdf(['The spring tide at Saltmarsh Bay reached 5.2 metres in March 2020.'], {
        title: 'Tide report',
      }),
    );
    const added = await footnote([
      'add',
      path,
      '--guild',
      OTHER_GUILD,
      '--yes',
      '--date',
      '2020-05-06',
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('*Tide report*');
    expect(added.stdout).toContain('  published 6 May 2020');
    const missing = await footnote(['add', join(dataDir, 'nope.pdf'), '--yes']);
    expect(missing).toMatchObject({
      code: 1,
      stderr: `footnote: There is no file ${join(dataDir, 'nope.pdf')}.\n`,
    });
  });

  it.each([
    ['/scan.pdf', 'This PDF has no text layer (a scanned document?).'],
    [
      '/image.png',
      'That link serves image/png; Footnote can add web pages (HTML), PDFs, plain text and Markdown.',
    ],
    ['/redirect/6', 'The link redirects more than 5 times, so it was not followed.'],
  ])('refuses %s in one sentence and writes nothing', async (path, message) => {
    const before = await storedTitles(GUILD);
    const { code, stdout, stderr } = await footnote([
      'add',
      `${server.origin}${path}`,
      '--guild',
      GUILD,
      '--yes',
    ]);
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr: `footnote: ${message}\n`,
    });
    expect(await storedTitles(GUILD)).toEqual(before);
  });

  it('refuses loopback URLs unless FOOTNOTE_ALLOW_LOOPBACK_URLS is true', async () => {
    const { code, stderr } = await footnote(['add', `${server.origin}/notes.txt`, '--yes'], {
      env: { FOOTNOTE_ALLOW_LOOPBACK_URLS: '' },
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'footnote: The address 127.0.0.1, a loopback address, which Footnote does not fetch.\n',
    );
  });

  it('rejects a --guild that is not a server id, as a usage error', async () => {
    const { code, stderr } = await footnote([
      'add',
      `${server.origin}/notes.txt`,
      '--guild',
      'general',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^footnote: --guild must be a Discord server id/);
  });
});

describe('footnote remove', () => {
  it('removes a server’s document only with its --guild, and never a shipped one', async () => {
    const added = await footnote([
      'add',
      `${server.origin}/notes.txt`,
      '--guild',
      OTHER_GUILD,
      '--yes',
    ]);
    const id = /as (harbour-notes-[0-9a-f]{6}),/.exec(added.stdout)?.[1] ?? '';
    expect(id).not.toBe('');

    const withoutGuild = await footnote(['remove', id]);
    expect(withoutGuild.code).toBe(1);
    expect(withoutGuild.stderr).toBe(
      `footnote: “Harbour notes” (${id}) belongs to server ${OTHER_GUILD}: pass --guild ${OTHER_GUILD} to remove it.\n`,
    );
    const wrongGuild = await footnote(['remove', id, '--guild', GUILD]);
    expect(wrongGuild.stderr).toBe(
      `footnote: No document added in this server has the id “${id}”.\n`,
    );

    const removed = await footnote(['remove', id, '--guild', OTHER_GUILD]);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed “Harbour notes” (${id}).\n` });
    const history = await footnote(['history', '--guild', OTHER_GUILD, '--json']);
    expect(JSON.parse(history.stdout).slice(0, 2)).toMatchObject([
      { action: 'remove', documentId: id },
      { action: 'add', documentId: id },
    ]);

    const shipped = await footnote(['remove', 'bashkortostan-covid-passports']);
    expect(shipped.code).toBe(1);
    expect(shipped.stderr).toMatch(
      /ships with Footnote: remove it from corpus\/manifest\.json instead\.\n$/,
    );
  });
});
