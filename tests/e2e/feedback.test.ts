import { join } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_TEXT } from '../../commands/find-sources.ts';
import { STORE_FILE } from '../../src/store/store.ts';
import type { FakeMessage, InteractionRecord } from '../fake-discord/fake-discord.mjs';
import { ANSWER_WITHOUT_RECORD } from '../../commands/ask.ts';
import { button, buttonStartingWith, expectClean, useHarness } from './harness.ts';

const PASSPORTS = 'Which Russian region first introduced Covid-19 passports?';

const harness = useHarness({}, { expectQuiet: 'afterEach' });

interface Button {
  custom_id: string;
  label: string;
}

function buttons(message: FakeMessage | null | undefined): Button[] {
  return (message?.components ?? []).flatMap((row: { components: Button[] }) => row.components);
}

function labels(message: FakeMessage | null | undefined): Record<string, string> {
  return Object.fromEntries(buttons(message).map((button) => [button.custom_id, button.label]));
}

describe('Find sources (right-click a message → Apps)', () => {
  it('is registered as a message command: a name with a capital and a space, no description', () => {
    const command = harness.fake.findCommand('Find sources', { type: 3 });
    expect(command).toMatchObject({ type: 3, name: 'Find sources', description: '' });
    expect(command.options).toBeUndefined();
  });

  it("answers someone else's message privately, quoting it and linking it, pinging nobody", async () => {
    const owner = harness.fake.member('owner');
    const asked = harness.fake.postMessage({
      content: `${PASSPORTS} @everyone <@${owner.user.id}>`,
      author: 'owner',
    });
    const rec = await harness.fake.sendMessageCommand({
      name: 'Find sources',
      message: asked,
      member: 'member',
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.type).toBe(23);
    expect(rec.reply?.message_reference).toMatchObject({ message_id: asked.id });
    const link = `https://discord.com/channels/${harness.fake.guild.id}/${asked.channel_id}/${asked.id}`;
    // The author is named (a mention pill) but not notified: allowed_mentions parses nothing.
    expect(rec.reply?.content).toBe(
      `Sources for [this message](<${link}>) by <@${owner.user.id}>:\n` +
        // Mentions, @everyone too, are not words to search for.
        `**Q:** ${PASSPORTS}`,
    );
    expect(rec.reply?.allowed_mentions).toEqual({ parse: [] });
    expect(rec.reply?.embeds[0].title).toBe(
      "Russian Region Becomes First to Introduce Covid-19 'Passports'",
    );
    expect(buttons(rec.reply).map((button) => button.label)).toEqual([
      '👍',
      '👎',
      'Post in channel',
    ]);
  });

  it('posts the answer in the channel on request, once, with the link to the question', async () => {
    const asked = harness.fake.postMessage({ content: PASSPORTS, author: 'owner' });
    const rec = await harness.fake.sendMessageCommand({
      name: 'Find sources',
      message: asked,
      member: 'member',
    });
    const post = buttons(rec.reply).find((button) => button.label === 'Post in channel')!;
    expect(post.custom_id).toBe(
      `Find sources:post:${asked.channel_id}:${asked.id}:${harness.fake.member('owner').user.id}`,
    );

    const click = await harness.fake.sendButton(post.custom_id, {
      message: rec.reply!,
      member: 'member',
      until: (record: InteractionRecord) => record.followUps.length === 1,
    });
    expectClean(click);
    // The private copy loses its Post button, so it cannot be posted twice …
    expect(click.callback?.type).toBe(7);
    expect(buttons(click.reply).map((button) => button.label)).toEqual(['👍', '👎']);
    expect(click.reply?.embeds).toEqual(rec.reply?.embeds);
    // … and everyone in the channel sees the answer, quoting and linking the question.
    const [posted] = click.followUps;
    expect((posted!.flags ?? 0) & 64).toBe(0);
    expect(posted!.content).toContain(`Sources for [this message](<https://discord.com/channels/`);
    expect(posted!.content).toContain(`**Q:** ${PASSPORTS}`);
    expect(posted!.embeds[0].title).toBe(rec.reply?.embeds[0].title);
    expect(buttons(posted).map((button) => button.label)).toEqual(['👍', '👎']);
    expect(harness.fake.channelMessages('general')).toContainEqual(
      expect.objectContaining({ id: posted!.id }),
    );
  });

  it('says kindly that an image-only message has nothing to look up', async () => {
    const rec = await harness.fake.sendMessageCommand({
      name: 'Find sources',
      message: { content: '', attachments: [{ filename: 'screenshot.png' }] },
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.content).toBe(NO_TEXT);
  });
});

describe('👍 / 👎 on every answer', () => {
  it('counts one vote per member; a second press takes it back, the other switches it', async () => {
    const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    expectClean(rec);
    const up = buttonStartingWith(rec.reply, 'ask:vote:up');
    const down = buttonStartingWith(rec.reply, 'ask:vote:down');
    // Both name the answer, recorded when it was sent: the id is short and the same on both.
    const answerId = up.split(':')[3];
    expect(answerId).toMatch(/^[\w-]{12}$/u);
    expect(down).toBe(`ask:vote:down:${answerId}`);
    expect(labels(rec.reply)).toEqual({ [up]: '👍', [down]: '👎' });
    let message = rec.reply!;
    const press = async (customId: string, member: string) => {
      const click = await harness.fake.sendButton(customId, { message, member });
      expectClean(click);
      expect(click.callback?.type).toBe(7);
      // The answer itself stays as it was.
      expect(click.reply?.content).toBe(rec.reply?.content);
      expect(click.reply?.embeds).toEqual(rec.reply?.embeds);
      message = click.reply!;
      return labels(click.reply);
    };

    expect(await press(up, 'member')).toEqual({ [up]: '👍 1', [down]: '👎' });
    expect(await press(up, 'moderator')).toEqual({ [up]: '👍 2', [down]: '👎' });
    expect(await press(up, 'member')).toEqual({ [up]: '👍 1', [down]: '👎' });
    expect(await press(down, 'moderator')).toEqual({ [up]: '👍', [down]: '👎 1' });
  });

  it('stores the question and cited passages, and no user id', () => {
    const db = new DatabaseConstructor(join(harness.env.FOOTNOTE_DATA_DIR!, STORE_FILE), {
      readonly: true,
    });
    try {
      const rows = db.prepare('SELECT * FROM feedback').all() as Record<string, unknown>[];
      expect(rows).toEqual([
        expect.objectContaining({
          vote: -1,
          question: PASSPORTS,
          passage_ids: expect.stringContaining('bashkortostan-covid-passports#'),
          guild_id: harness.fake.guild.id,
        }),
      ]);
      const dump = JSON.stringify(db.prepare('SELECT * FROM feedback').all());
      for (const alias of ['member', 'moderator', 'owner'])
        expect(dump).not.toContain(harness.fake.member(alias).user.id);
    } finally {
      db.close();
    }
  });

  it('keeps the votes when paging, and the paging when voting', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: 'QR codes' },
    });
    const up = buttonStartingWith(rec.reply, 'ask:vote:up');
    const next = buttonStartingWith(rec.reply, 'ask:page:2');
    const vote = await harness.fake.sendButton(up, { message: rec.reply! });
    expectClean(vote);
    expect(labels(vote.reply)).toMatchObject({ [next]: expect.any(String), [up]: '👍 1' });
    const page = await harness.fake.sendButton(next, { message: vote.reply! });
    expectClean(page);
    expect(page.reply?.embeds[0].footer.text).toMatch(/^Source 4 of/u);
    expect(labels(page.reply)).toMatchObject({
      [buttonStartingWith(page.reply, 'ask:page:1')]: '‹ Previous',
      [up]: '👍 1',
    });
  });
});

describe('/corpus gaps', () => {
  it('lists a question asked twice, worded differently, as one gap, most frequent first', async () => {
    for (const question of ['How do I bake sourdough bread?', 'how to bake sourdough bread']) {
      const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question } });
      expectClean(rec);
      expect(rec.reply?.content).toContain('The sources have no good answer to this.');
    }
    const rec = await harness.fake.sendChatInput({
      name: 'corpus',
      subcommand: 'gaps',
      member: 'moderator',
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    const lines = rec.reply!.content.split('\n');
    expect(lines[0]).toBe(
      '**Questions without a good answer, last 30 days** (most frequent first)',
    );
    expect(lines[1]).toMatch(
      /^1\. \*\*2×\*\* “how to bake sourdough bread” · 2 wordings · last <t:\d+:R>$/u,
    );
    // The answer voted down above is a gap too.
    expect(lines[2]).toMatch(/^2\. \*\*1×\*\* “Which Russian region .*” · 1 voted down · /u);
    expect(buttons(rec.reply).map((button) => button.custom_id)).toEqual([
      'corpus:gapadd:1',
      'corpus:gapadd:2',
    ]);

    const add = await harness.fake.sendButton('corpus:gapadd:1', {
      message: rec.reply!,
      member: 'moderator',
    });
    expectClean(add);
    expect(add.ephemeral).toBe(true);
    expect(add.reply?.content).toMatch(/^To answer “how to bake sourdough bread” \(asked twice\)/u);
    expect(add.reply?.content).toContain('/corpus add-url');

    const paste = await harness.fake.sendButton('corpus:gaptext', {
      message: add.reply!,
      member: 'moderator',
    });
    expectClean(paste);
    expect(paste.callback?.type).toBe(9);
  });

  it('is for moderators only, whatever Discord shows', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'corpus',
      subcommand: 'gaps',
      member: 'member',
      bypassCommandPermissions: true,
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.content).toMatch(/Manage Server/u);
  });
});

describe('the passages an answer cited travel with it', () => {
  const FERRY = 'When does the Saltmarsh ferry sail in winter?';

  /** Adds pasted text in the test server through /corpus add-text and Confirm; returns its id. */
  async function addText(title: string, text: string): Promise<string> {
    const form = await harness.fake.sendChatInput({
      name: 'corpus',
      subcommand: 'add-text',
      member: 'moderator',
    });
    expectClean(form);
    const preview = await harness.fake.sendModalSubmit({
      customId: form.modal!.custom_id,
      fields: { title, text },
      member: 'moderator',
    });
    expectClean(preview);
    const confirmed = await harness.fake.sendButton(button(preview, 'Confirm'), {
      member: 'moderator',
    });
    expectClean(confirmed);
    const id = /\(id `([^`]+)`\)/u.exec(JSON.stringify(confirmed.reply?.embeds))?.[1];
    if (!id) throw new Error(`no id in ${JSON.stringify(confirmed.reply)}`);
    return id;
  }

  async function remove(id: string): Promise<void> {
    const rec = await harness.fake.sendChatInput({
      name: 'corpus',
      subcommand: 'remove',
      options: { document: id },
      member: 'moderator',
    });
    expectClean(rec);
    expect(JSON.stringify(rec.reply?.embeds)).toContain(`Removed`);
  }

  async function ask(question: string) {
    const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question } });
    expectClean(rec);
    return rec;
  }

  /** The bot's SQLite store, opened beside it as another process would. */
  function withDatabase<T>(body: (db: DatabaseConstructor.Database) => T): T {
    const db = new DatabaseConstructor(join(harness.env.FOOTNOTE_DATA_DIR!, STORE_FILE));
    try {
      return body(db);
    } finally {
      db.close();
    }
  }

  function votesOn(messageId: string): { passage_ids: string; question: string }[] {
    return withDatabase(
      (db) =>
        db
          .prepare('SELECT question, passage_ids FROM feedback WHERE message_id = ?')
          .all(messageId) as { passage_ids: string; question: string }[],
    );
  }

  it('a vote after the cited document was removed still records the passages the answer cited', async () => {
    const id = await addText(
      'Saltmarsh ferry winter timetable',
      'In winter the Saltmarsh ferry sails at nine and at noon.\n\n' +
        'The evening crossing of the Saltmarsh ferry stops for the winter and returns in March.',
    );
    const rec = await ask(FERRY);
    expect(rec.reply?.embeds[0].title).toBe('Saltmarsh ferry winter timetable');
    await remove(id);
    // Asked now, the question has no answer: a vote that searched again would cite nothing.
    expect((await ask(FERRY)).reply?.content).toContain('The sources have no good answer');

    const vote = await harness.fake.sendButton(buttonStartingWith(rec.reply, 'ask:vote:down'), {
      message: rec.reply!,
    });
    expectClean(vote);
    expect(labels(vote.reply)).toMatchObject({
      [buttonStartingWith(rec.reply, 'ask:vote:down')]: '👎 1',
    });
    const [stored] = votesOn(rec.reply!.id);
    expect(stored?.question).toBe(FERRY);
    expect(JSON.parse(stored!.passage_ids)).toEqual([`${id}#1`]);
  });

  it('pages through the passages the member was shown, and says so when some were removed since', async () => {
    const ids: string[] = [];
    for (const harbour of ['North', 'South', 'East', 'West'])
      ids.push(
        await addText(
          `${harbour} quay lamplighters`,
          `The lamplighters of the ${harbour} quay light the harbour lamps at dusk.`,
        ),
      );
    const rec = await ask('Who lights the harbour lamps at dusk on the quay?');
    const footers = (message: typeof rec.reply) =>
      (message?.embeds ?? []).map((embed: { footer: { text: string } }) => embed.footer.text);
    expect(footers(rec.reply)).toEqual([
      expect.stringMatching(/^Source 1 of 4 · /u),
      expect.stringMatching(/^Source 2 of 4 · /u),
      expect.stringMatching(/^Source 3 of 4 · /u),
    ]);
    const second = await harness.fake.sendButton(buttonStartingWith(rec.reply, 'ask:page:2'), {
      message: rec.reply!,
    });
    expectClean(second);
    expect(footers(second.reply)).toEqual([expect.stringMatching(/^Source 4 of 4 · /u)]);
    const fourth = footers(second.reply)[0]!.split(' · ')[1]!;

    // A fifth lamplighter added since does not join the answer; the fourth one removed leaves it.
    await addText(
      'Harbour lamplighters guild',
      'The guild of lamplighters lights the harbour lamps at dusk on every quay.',
    );
    await remove(fourth);
    const page = await harness.fake.sendButton(buttonStartingWith(second.reply, 'ask:page:1'), {
      message: second.reply!,
    });
    expectClean(page);
    expect(footers(page.reply)).toEqual([
      expect.stringMatching(/^Source 1 of 3 · /u),
      expect.stringMatching(/^Source 2 of 3 · /u),
      expect.stringMatching(/^Source 3 of 3 · /u),
    ]);
    expect(JSON.stringify(page.reply?.embeds)).not.toContain('guild');
    expect(page.reply?.content).toBe(
      `${rec.reply?.content}\n-# Sources changed: 1 of the 4 passages this answer cited was removed since; the other 3 are shown.`,
    );
    for (const id of ids.filter((id) => id !== fourth)) await remove(id);
  });

  describe('an answer whose buttons name no record (sent before answers were recorded, or recording failed)', () => {
    /** Every answer recorded from here on fails, as on a full disk; the answers are still sent. */
    beforeAll(() =>
      withDatabase((db) =>
        db.exec(`CREATE TRIGGER answers_fail BEFORE INSERT ON answers
      BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`),
      ),
    );
    afterAll(() => withDatabase((db) => db.exec('DROP TRIGGER answers_fail')));

    it('carries the buttons the Footnote before sent: no answer id', async () => {
      const rec = await ask('QR codes');
      expect(Object.keys(labels(rec.reply))).toEqual([
        'ask:page:2',
        'ask:vote:up',
        'ask:vote:down',
      ]);
    });

    it('pages by asking its question again', async () => {
      const rec = await ask('QR codes');
      const page = await harness.fake.sendButton('ask:page:2', { message: rec.reply! });
      expectClean(page);
      expect(page.reply?.embeds[0].footer.text).toMatch(/^Source 4 of/u);
    });

    it('says kindly that a vote cannot be counted, and records none', async () => {
      const rec = await ask(PASSPORTS);
      const vote = await harness.fake.sendButton('ask:vote:up', { message: rec.reply! });
      expectClean(vote);
      expect(vote.ephemeral).toBe(true);
      expect(vote.reply?.content).toBe(ANSWER_WITHOUT_RECORD);
      expect(votesOn(rec.reply!.id)).toEqual([]);
    });
  });
});
