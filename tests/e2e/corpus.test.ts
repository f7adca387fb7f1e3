import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENTUALLY } from '../deadlines.ts';
import { NOT_YOUR_PREVIEW, PREVIEW_EXPIRED } from '../../commands/corpus.ts';
import { contentHash } from '../../src/core/content-hash.ts';
import { openStore } from '../../src/store/store.ts';
import type { InteractionRecord } from '../fake-discord/fake-discord.mjs';
import { minimalPdf } from '../ingest/fixtures.ts';
import { startTestServer, type TestServer } from '../ingest/server.ts';
import { button, expectClean, useHarness } from './harness.ts';
import { guildScope } from '../../src/core/scope.ts';

const ARTICLE_TITLE = 'Lead in school water: the full results';
const ARTICLE_QUESTION = 'At how many schools did the council measure lead?';
const REFUSED = 'You need the Manage Server permission or a moderator role to use this.';

const harness = useHarness(
  {
    env: {
      FOOTNOTE_ALLOW_LOOPBACK_URLS: 'true',
      FOOTNOTE_MODERATOR_ROLES: 'Librarian',
      // Registered globally, so that the second server sees the commands too.
      DISCORD_GUILD_ID: '',
    },
    // Test seam: a download that takes over 2 s times out, instead of after 10 s.
    fetch: { timeoutMs: 2000 },
  },
  { expectQuiet: 'afterEach' },
);
let server: TestServer;
/** Holds each answer until the test calls `answerSlowDownloads()`: slower than any deadline. */
let slowServer: Server;
const heldDownloads: (() => void)[] = [];
function answerSlowDownloads(): void {
  for (const answer of heldDownloads.splice(0)) answer();
}
let slowOrigin: string;
/** A second server: its members and moderators are the first one's, mirrored. */
let otherGuildId: string;

beforeAll(async () => {
  server = await startTestServer();
  slowServer = createServer((_request, response) => {
    heldDownloads.push(() => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('Tide tables\n\nThe slow tide tables arrive after a long wait.');
    });
  });
  await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
  slowOrigin = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}`;
  harness.fake.addRole({ name: 'Librarian' });
  harness.fake.addMember({ alias: 'librarian', username: 'librarian', roles: ['Librarian'] });
  harness.fake.addMember({ alias: 'moderator2', username: 'moderator2', roles: ['Moderator'] });
  otherGuildId = harness.fake.addGuild().id;
});
afterAll(async () => {
  await server?.close();
  slowServer?.closeAllConnections();
  await new Promise((resolve) => slowServer?.close(resolve));
});

type Actor = { member?: string; guildId?: string | null; user?: string };

async function corpus(
  subcommand: string,
  options: Record<string, unknown> = {},
  actor: Actor & { bypassCommandPermissions?: boolean } = {},
): Promise<InteractionRecord> {
  const rec = await harness.fake.sendChatInput({
    name: 'corpus',
    subcommand,
    options: options as Record<string, string>,
    member: 'moderator',
    ...actor,
  });
  expectClean(rec);
  return rec;
}

async function press(customId: string, member = 'moderator'): Promise<InteractionRecord> {
  const rec = await harness.fake.sendButton(customId, { member });
  expectClean(rec);
  return rec;
}

async function submit(
  customId: string,
  fields: Record<string, string>,
  member = 'moderator',
): Promise<InteractionRecord> {
  const rec = await harness.fake.sendModalSubmit({ customId, fields, member });
  expectClean(rec);
  return rec;
}

async function ask(question: string, guildId?: string): Promise<InteractionRecord> {
  const rec = await harness.fake.sendChatInput({
    name: 'ask',
    options: { question },
    ...(guildId ? { guildId } : {}),
  });
  expectClean(rec);
  return rec;
}

/** Whether an answer cites `title` (in a citation or among the suggestions). */
function mentions(rec: InteractionRecord, title: string): boolean {
  return JSON.stringify(rec.messages).includes(title);
}

/** What the store holds, read as the CLI would, from the bot's data directory. */
async function stored(): Promise<{ titles: string[]; audit: number }> {
  const store = await openStore(harness.env['FOOTNOTE_DATA_DIR']!);
  try {
    return {
      titles: (await store.listDocuments()).map((document) => document.title),
      audit: (await store.history(undefined, 1000)).length,
    };
  } finally {
    await store.close();
  }
}

/** The text of a preview or outcome: an embed's title, description and fields. */
function shown(rec: InteractionRecord): string {
  return JSON.stringify(rec.reply?.embeds ?? []);
}

/** What `/source` shows as a document's origin. */
async function originShown(documentId: string): Promise<string | undefined> {
  const rec = await harness.fake.sendChatInput({
    name: 'source',
    options: { document: documentId },
  });
  expectClean(rec);
  const fields: Array<{ name: string; value: string }> = rec.reply?.embeds[0]?.fields ?? [];
  return fields.find((field) => field.name === 'Origin')?.value;
}

function expectOneSentence(rec: InteractionRecord, sentence: string | RegExp): void {
  expect(rec.ephemeral).toBe(true);
  expect(rec.messages).toHaveLength(1);
  expect(rec.reply?.embeds).toEqual([]);
  expect(rec.reply?.content).toMatch(
    typeof sentence === 'string' ? new RegExp(`^${escapeRegExp(sentence)}$`, 'u') : sentence,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

describe('/corpus add-url → preview → confirm → /ask → remove', () => {
  it('adds a web page for this server only, and removes it again', async () => {
    const before = await stored();
    const preview = await corpus('add-url', { url: `${server.origin}/article` });
    expect(preview.ephemeral).toBe(true);
    expect(preview.reply?.embeds[0]).toMatchObject({
      title: ARTICLE_TITLE,
      author: { name: 'Preview: nothing is added until you confirm' },
    });
    const fields = Object.fromEntries(
      preview.reply!.embeds[0].fields.map((field: { name: string; value: string }) => [
        field.name,
        field.value,
      ]),
    );
    expect(fields).toMatchObject({
      Site: 'Riverside Gazette',
      Author: 'Ada Byline',
      Date: '14 March 2023',
      Passages: expect.stringMatching(/^\d+ passages?$/u),
      Length: expect.stringMatching(/^[\d,]+ words · [\d,]+ characters$/u),
    });
    expect(preview.reply?.embeds[0].description).toContain('The council measured lead');
    // A preview writes nothing.
    expect(await stored()).toEqual(before);

    const confirmed = await press(button(preview, 'Confirm'));
    expect(confirmed.callback?.type).toBe(7);
    expect(shown(confirmed)).toMatch(/Added “Lead in school water: the full results” \(id `/u);
    expect(confirmed.reply?.components).toEqual([]);
    expect((await stored()).titles).toContain(ARTICLE_TITLE);

    expect(mentions(await ask(ARTICLE_QUESTION), ARTICLE_TITLE)).toBe(true);
    // Another server's members never see it: not cited, not suggested.
    expect(mentions(await ask(ARTICLE_QUESTION, otherGuildId), ARTICLE_TITLE)).toBe(false);
    // Nor does another server's moderator, to remove it.
    const elsewhere = await harness.fake.sendAutocomplete({
      name: 'corpus',
      subcommand: 'remove',
      options: { document: 'lead' },
      member: 'moderator',
      guildId: otherGuildId,
    });
    expectClean(elsewhere);
    expect(elsewhere.choices).toEqual([]);

    const suggestions = await harness.fake.sendAutocomplete({
      name: 'corpus',
      subcommand: 'remove',
      options: { document: 'school water' },
      member: 'moderator',
    });
    expectClean(suggestions);
    expect(suggestions.choices).toEqual([
      { name: `${ARTICLE_TITLE} (2023)`, value: expect.stringMatching(/^lead-in-school-water/u) },
    ]);
    const id = String(suggestions.choices![0]!.value);
    expect(await originShown(id)).toBe('Added in this server');

    const refusedElsewhere = await corpus('remove', { document: id }, { guildId: otherGuildId });
    expectOneSentence(refusedElsewhere, /^No document added in this server matches “/u);
    expect((await stored()).titles).toContain(ARTICLE_TITLE);

    const removed = await corpus('remove', { document: id });
    expect(removed.ephemeral).toBe(true);
    expect(shown(removed)).toContain(`Removed “${ARTICLE_TITLE}” (id \`${id}\`)`);
    expect((await stored()).titles).not.toContain(ARTICLE_TITLE);
    expect(mentions(await ask(ARTICLE_QUESTION), ARTICLE_TITLE)).toBe(false);
  });

  it('adds a PDF attachment and pasted text, each previewed and cited after confirming', async () => {
    const pdf = minimalPdf(
      [
        'Saltmarsh Bay tide report for the autumn of 2021.',
        'The highest tide reached 6.1 metres on the 2nd of November.',
      ],
      { title: 'Saltmarsh Bay Autumn Tides', author: 'Harbour Office', date: '2021-12-06' },
    );
    const filePreview = await corpus('add-file', {
      file: { filename: 'tides.pdf', content: Buffer.from(pdf), contentType: 'application/pdf' },
    });
    expect(filePreview.reply?.embeds[0].title).toBe('Saltmarsh Bay Autumn Tides');
    expect(shown(filePreview)).toContain('Attachment tides.pdf');
    expect(shown(filePreview)).toContain('Harbour Office');
    expect(shown(filePreview)).toContain('6 December 2021');
    await press(button(filePreview, 'Confirm'));

    const form = await corpus('add-text');
    expect(form.callback?.type).toBe(9);
    expect(form.modal?.custom_id).toBe('corpus:text');
    const textPreview = await submit('corpus:text', {
      title: 'Ferry timetable for the winter',
      author: 'Harbour Office',
      date: '2024-11-01',
      text:
        'From November the Saltmarsh ferry sails at nine and at noon.\n\n' +
        'The evening crossing stops for the winter and returns in March.',
    });
    expect(textPreview.ephemeral).toBe(true);
    expect(textPreview.reply?.embeds[0].title).toBe('Ferry timetable for the winter');
    expect(shown(textPreview)).toContain('Pasted text');
    await press(button(textPreview, 'Confirm'));

    expect(
      mentions(
        await ask('How high was the highest autumn tide in Saltmarsh Bay?'),
        'Saltmarsh Bay Autumn Tides',
      ),
    ).toBe(true);
    expect(
      mentions(
        await ask('When does the Saltmarsh ferry sail in winter?'),
        'Ferry timetable for the winter',
      ),
    ).toBe(true);
    expect(
      mentions(
        await ask('How high was the highest autumn tide in Saltmarsh Bay?', otherGuildId),
        'Saltmarsh Bay Autumn Tides',
      ),
    ).toBe(false);
  });
});

describe('the preview buttons', () => {
  it('a slow download is deferred privately, then shows the preview that confirms', async () => {
    const asked = corpus('add-url', { url: `${slowOrigin}/tides.txt` });
    // The download is held until the bot has deferred: then it arrives.
    await vi.waitFor(() => {
      const latest = [...harness.fake.interactions.values()].at(-1);
      expect(latest?.callback?.type).toBe(5);
    }, EVENTUALLY);
    answerSlowDownloads();
    const preview = await asked;
    expect(preview.callback?.type).toBe(5);
    expect(preview.ephemeral).toBe(true);
    expect(preview.reply?.embeds[0].title).toBe('Tide tables');
    const confirmed = await press(button(preview, 'Confirm'));
    expect(shown(confirmed)).toContain('Added “Tide tables”');
  });

  it('Edit metadata opens a prefilled form whose changes update the preview', async () => {
    const preview = await corpus('add-url', { url: `${server.origin}/notes.txt` });
    const form = await press(button(preview, 'Edit metadata'));
    expect(form.callback?.type).toBe(9);
    const inputs = form.modal!.components.map(
      (label: { component: { custom_id: string; value?: string } }) => [
        label.component.custom_id,
        label.component.value,
      ],
    );
    expect(inputs).toEqual([
      ['title', 'Harbour notes'],
      ['site', '127.0.0.1'],
      ['author', undefined],
      ['date', undefined],
    ]);

    const refused = await submit(form.modal!.custom_id, {
      title: 'Harbour notes',
      date: 'next week',
    });
    expectOneSentence(refused, 'The date must be a real date written YYYY-MM-DD, e.g. 2021-01-21.');

    const edited = await submit(form.modal!.custom_id, {
      title: 'Harbour notes, autumn edition',
      site: 'Harbour Office',
      author: 'The harbourmaster',
      date: '2024-10-01',
    });
    expect(edited.callback?.type).toBe(7);
    expect(edited.reply?.embeds[0].title).toBe('Harbour notes, autumn edition');
    expect(shown(edited)).toContain('The harbourmaster');
    expect(shown(edited)).toContain('1 October 2024');

    const confirmed = await press(button(edited, 'Confirm'));
    expect(shown(confirmed)).toContain('Added “Harbour notes, autumn edition”');
    expect((await stored()).titles).toContain('Harbour notes, autumn edition');
  });

  it('Cancel writes nothing; only the moderator who started can press the buttons', async () => {
    const before = await stored();
    const preview = await corpus('add-url', { url: `${server.origin}/notes.md` });

    const otherModerator = await press(button(preview, 'Confirm'), 'moderator2');
    expectOneSentence(otherModerator, NOT_YOUR_PREVIEW);
    const otherEdit = await press(button(preview, 'Edit metadata'), 'moderator2');
    expectOneSentence(otherEdit, NOT_YOUR_PREVIEW);
    const member = await press(button(preview, 'Confirm'), 'member');
    expectOneSentence(member, REFUSED);
    expect(await stored()).toEqual(before);

    const cancelled = await press(button(preview, 'Cancel'));
    expect(cancelled.callback?.type).toBe(7);
    expect(shown(cancelled)).toContain('Nothing was added.');
    expect(cancelled.reply?.components).toEqual([]);
    expect(await stored()).toEqual(before);
  });

  it('a duplicate is shown in the preview, with Confirm off', async () => {
    const first = await corpus('add-url', { url: `${server.origin}/gzipped.txt` });
    await press(button(first, 'Confirm'));
    const again = await corpus('add-url', { url: `${server.origin}/gzipped.txt` });
    expect(shown(again)).toContain('Already in the sources');
    expect(shown(again)).toContain('That address was already added as');
    const confirm = again.reply!.components[0].components[0];
    expect(confirm).toMatchObject({ label: 'Confirm', disabled: true });
    await press(button(again, 'Cancel'));
  });

  it('two moderators adding at once both get their document', async () => {
    const [first, second] = await Promise.all([
      corpus('add-url', { url: `${server.origin}/report.pdf` }),
      corpus('add-url', { url: `${server.origin}/redirect/2` }, { member: 'moderator2' }),
    ]);
    const [one, two] = await Promise.all([
      press(button(first, 'Confirm')),
      press(button(second, 'Confirm'), 'moderator2'),
    ]);
    expect(shown(one)).toContain('Added “Saltmarsh Bay Tides”');
    // /redirect/2 lands on the article, removed in the first test: it can be added again.
    expect(shown(two)).toContain(`Added “${ARTICLE_TITLE}”`);
    expect((await stored()).titles).toEqual(
      expect.arrayContaining(['Saltmarsh Bay Tides', ARTICLE_TITLE]),
    );
  });

  it('after a restart, an old preview says it expired and writes nothing', async () => {
    const preview = await corpus('add-url', { url: `${server.origin}/notes.md` });
    const before = await stored();
    await harness.restart();
    const stale = await press(button(preview, 'Confirm'));
    expectOneSentence(stale, PREVIEW_EXPIRED);
    expect(await stored()).toEqual(before);
  });

  it('when another moderator adds the same document first, Confirm shows the duplicate', async () => {
    const [mine, theirs] = await Promise.all([
      corpus('add-url', { url: `${server.origin}/notes.md` }),
      corpus('add-url', { url: `${server.origin}/notes.md` }, { member: 'moderator2' }),
    ]);
    await press(button(theirs, 'Confirm'), 'moderator2');
    const before = await stored();
    const late = await press(button(mine, 'Confirm'));
    expect(late.callback?.type).toBe(7);
    expect(shown(late)).toContain('That address was already added as “Ferry timetable”');
    expect(late.reply?.components[0].components[0]).toMatchObject({
      label: 'Confirm',
      disabled: true,
    });
    expect(await stored()).toEqual(before);
    await press(button(late, 'Cancel'));
  });
});

describe('ingestion failures: one private sentence, nothing written', () => {
  it.each([
    [
      'a bad URL',
      'not a web address',
      '“not a web address” is not a web address (it should start with https://).',
    ],
    [
      'a refused address',
      'http://10.0.0.1/report',
      /^The address 10\.0\.0\.1, a private[\w -]* address, which Footnote does not fetch\.$/u,
    ],
    [
      'a timeout',
      '/slow.txt',
      /^The server took longer than 2 seconds to send http:\/\/127\.0\.0\.1:\d+\/slow\.txt\.$/u,
    ],
    [
      'a file too big',
      '/declared-big.txt',
      'The file is larger than 5 MB, the most Footnote adds.',
    ],
    [
      'a wrong type',
      '/image.png',
      'That link serves image/png; Footnote can add web pages (HTML), PDFs, plain text and Markdown.',
    ],
    ['no readable text', '/empty.html', /^No readable (article )?text was found/u],
    ['a scanned PDF', '/scan.pdf', 'This PDF has no text layer (a scanned document?).'],
  ])('%s', async (_, url, sentence) => {
    const before = await stored();
    const rec = await corpus('add-url', {
      url: url.startsWith('/') ? `${server.origin}${url}` : url,
    });
    expectOneSentence(rec, sentence);
    expect(await stored()).toEqual(before);
  });

  it.each([
    [
      'a scanned PDF',
      {
        filename: 'scan.pdf',
        content: Buffer.from(minimalPdf(null)),
        contentType: 'application/pdf',
      },
      'This PDF has no text layer (a scanned document?).',
    ],
    [
      'a wrong type',
      {
        filename: 'photo.png',
        content: Buffer.from('89504e470d0a1a0a', 'hex'),
        contentType: 'image/png',
      },
      /^That link serves image\/png; Footnote can add /u,
    ],
    [
      'a file too big',
      {
        filename: 'big.txt',
        content: Buffer.alloc(5 * 1024 * 1024 + 1, 'a'),
        contentType: 'text/plain',
      },
      'The file is larger than 5 MB, the most Footnote adds.',
    ],
  ])('an attachment: %s', async (_, file, sentence) => {
    const before = await stored();
    const rec = await corpus('add-file', { file });
    expectOneSentence(rec, sentence);
    expect(await stored()).toEqual(before);
  });

  it('pasted text without a single letter', async () => {
    const before = await stored();
    await corpus('add-text');
    const rec = await submit('corpus:text', { title: 'Empty', text: '— … —' });
    expectOneSentence(rec, 'No readable text was found in the pasted text.');
    expect(await stored()).toEqual(before);
  });
});

describe('permissions, enforced by the bot whatever Discord shows', () => {
  it('refuses a plain member, even when an admin override lets Discord send the command', async () => {
    const before = await stored();
    for (const subcommand of ['list', 'history', 'add-text']) {
      const rec = await corpus(
        subcommand,
        {},
        { member: 'member', bypassCommandPermissions: true },
      );
      expectOneSentence(rec, REFUSED);
    }
    const add = await corpus(
      'add-url',
      { url: `${server.origin}/notes.txt` },
      { member: 'member', bypassCommandPermissions: true },
    );
    expectOneSentence(add, REFUSED);
    const choices = await harness.fake.sendAutocomplete({
      name: 'corpus',
      subcommand: 'remove',
      options: { document: '' },
      member: 'member',
    });
    expectClean(choices);
    expect(choices.choices).toEqual([]);
    const form = await harness.fake.sendModalSubmit({
      customId: 'corpus:text',
      fields: { title: 'Sneaky', text: 'A member tries the form directly.' },
      member: 'member',
    });
    expectClean(form);
    expectOneSentence(form, REFUSED);
    expect(await stored()).toEqual(before);
  });

  it('refuses in a DM', async () => {
    const rec = await corpus('list', {}, { guildId: null, user: 'moderator', member: undefined });
    expectOneSentence(rec, /^This only works in a server, for members with the Manage Server/u);
  });

  it('lets a member with a role listed in FOOTNOTE_MODERATOR_ROLES in', async () => {
    const rec = await corpus('list', {}, { member: 'librarian', bypassCommandPermissions: true });
    expect(rec.reply?.embeds[0].title).toMatch(/^Documents added in this server/u);
  });
});

describe('/help', () => {
  it('explains /corpus to moderators only', async () => {
    const moderator = await harness.fake.sendChatInput({ name: 'help', member: 'moderator' });
    expectClean(moderator);
    expect(moderator.reply?.content).toContain('- `/corpus add-url url:`');
    expect(moderator.reply?.content).toContain('nothing is written until you press Confirm');
    const librarian = await harness.fake.sendChatInput({ name: 'help', member: 'librarian' });
    expect(librarian.reply?.content).toContain('**/corpus**');
    const member = await harness.fake.sendChatInput({ name: 'help', member: 'member' });
    expectClean(member);
    expect(member.reply?.content).not.toContain('/corpus');
  });
});

describe('/corpus list and history', () => {
  it('pages through the documents with buttons, including ones the CLI added', async () => {
    const store = await openStore(harness.env['FOOTNOTE_DATA_DIR']!);
    try {
      for (let index = 1; index <= 11; index++) {
        const text = `Harbour bulletin number ${index}: the quay is open as usual.`;
        await store.addDocument(
          {
            id: `harbour-bulletin-${index}`,
            scope: guildScope(harness.fake.guild.id),
            origin: 'operator',
            title: `Harbour bulletin ${index}`,
            language: 'en',
            text,
            contentHash: contentHash(text),
            source: { kind: 'file', ref: `bulletin-${index}.txt` },
          },
          { actor: 'cli:harbourmaster' },
        );
      }
    } finally {
      await store.close();
    }
    const first = await corpus('list');
    expect(first.ephemeral).toBe(true);
    const total = Number(/\((\d+)\)$/u.exec(first.reply!.embeds[0].title)?.[1]);
    expect(total).toBeGreaterThan(10);
    expect(first.reply?.embeds[0].footer.text).toMatch(/^Page 1 of 2/u);
    expect(first.reply?.embeds[0].description).toContain('Harbour bulletin 11');
    // The CLI's documents are the operator's: named so, not by the operator's login name.
    expect(first.reply?.embeds[0].description).toMatch(
      /\*\*Harbour bulletin 11\*\*.*\n {3}added <t:\d+:f> by the operator/u,
    );
    expect(first.reply?.embeds[0].description).not.toContain('harbourmaster');
    expect(await originShown('harbour-bulletin-11')).toBe('Added by the operator, for this server');
    const second = await press(button(first, 'Next ›'));
    expect(second.callback?.type).toBe(7);
    expect(second.reply?.embeds[0].footer.text).toMatch(/^Page 2 of 2/u);
    const back = await press(button(second, '‹ Previous'));
    expect(back.reply?.embeds[0].footer.text).toMatch(/^Page 1 of 2/u);
    // The other server has added nothing of its own.
    const elsewhere = await corpus('list', {}, { guildId: otherGuildId });
    expect(shown(elsewhere)).toContain('No documents have been added in this server yet.');
  });

  it('shows who added and removed what', async () => {
    const rec = await corpus('history');
    expect(rec.ephemeral).toBe(true);
    const description: string = rec.reply?.embeds[0].description ?? '';
    const moderatorId = harness.fake.member('moderator').user.id;
    expect(description).toMatch(
      new RegExp(
        `\\*\\*Removed\\*\\* “${escapeRegExp(ARTICLE_TITLE)}” .* by <@${moderatorId}>`,
        'u',
      ),
    );
    expect(description).toContain(`**Added** “Harbour bulletin 11”`);
    expect(description).toContain('by cli:harbourmaster');
  });
});
