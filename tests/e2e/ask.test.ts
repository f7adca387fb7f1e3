import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { buttonStartingWith, expectClean, useHarness } from './harness.ts';

const PASSPORTS = 'Which Russian region first introduced Covid-19 passports?';
/** Answered from many passages of one document: enough citations for three pages. */
const MANY_SOURCES = 'QR codes';

const harness = useHarness({}, { expectQuiet: 'afterEach' });

describe('starting the bot', () => {
  it('logs in with the Guilds intent only and registers /ask, /source, /help, /corpus and Find sources in the server', () => {
    expect(harness.fake.identifies.map((identify) => identify.intents)).toEqual([1]);
    const registered = [
      ...(harness.fake.commands.guild.get(harness.fake.guild.id)?.values() ?? []),
    ].map((command) => command.name);
    expect(registered.sort()).toEqual(['Find sources', 'ask', 'corpus', 'help', 'source']);
    expect(harness.fake.commands.global.size).toBe(0);
  });

  it('prints the invite link with exactly the permissions it needs', () => {
    const id = harness.fake.application.id as string;
    expect(harness.output.join('')).toContain(
      `https://discord.com/oauth2/authorize?client_id=${id}&scope=bot%20applications.commands&permissions=16384`,
    );
  });
});

describe('/ask', () => {
  it('cites the Moscow Times article on Bashkortostan, with its link, date and the matched words in bold', async () => {
    const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    expectClean(rec);
    expect(rec.callback?.type).toBe(4);
    expect(rec.ephemeral).toBe(false);
    expect(rec.reply?.content).toBe(`**Q:** ${PASSPORTS}`);
    const [first] = rec.reply?.embeds ?? [];
    expect(first.title).toBe("Russian Region Becomes First to Introduce Covid-19 'Passports'");
    expect(first.url).toMatch(/^https:\/\/www\.themoscowtimes\.com\/2021\/01\/21\//u);
    // Published in 2021: older than the default 365 days, so marked as possibly outdated.
    expect(first.author.name).toMatch(
      /^The Moscow Times · Leyla Latypova · 21 January 2021 · possibly outdated \(over \d+ years old\)$/u,
    );
    expect(first.description).toContain('Bashkortostan');
    expect(first.description).toContain('**Covid-19** **passports**');
    expect(first.description).toMatch(
      /\[Open at this passage\]\(https:\/\/www\.themoscowtimes\.com\/[^)\s]+#:~:text=[^)\s]+\) · passage \d+ of \d+/u,
    );
    expect(first.description).toMatch(/\nMatched in the excerpt: .*region/u);
    expect(rec.reply?.allowed_mentions).toEqual({ parse: [] });
  });

  it('answers an unanswerable question plainly, with the reason', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: 'How do I bake sourdough bread?' },
    });
    expectClean(rec);
    expect(rec.reply?.embeds).toEqual([]);
    expect(rec.reply?.components).toEqual([]);
    expect(rec.reply?.content).toContain('The sources have no good answer to this.');
    expect(rec.reply?.content).toMatch(/sourdough/u);
  });

  it('offers the closest documents as buttons that open them, as /source would', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: 'What did Germany decide about vaccine passports?' },
    });
    expectClean(rec);
    const buttons = rec.reply?.components?.[0]?.components ?? [];
    expect(buttons.length).toBeGreaterThan(0);
    const first = buttons[0] as { custom_id: string; label: string };
    expect(first.custom_id).toMatch(/^source:open:/u);

    const click = await harness.fake.sendButton(first.custom_id);
    expectClean(click);
    expect(click.ephemeral).toBe(true);
    expect(click.reply?.embeds?.[0]?.footer?.text).toContain(
      first.custom_id.slice('source:open:'.length),
    );
  });

  it('replies privately with hide', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: PASSPORTS, hide: true },
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
  });

  it('addresses the answer to a member, the only one pinged', async () => {
    const member = harness.fake.member('moderator');
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: PASSPORTS, for: 'moderator' },
    });
    expectClean(rec, [member.user.id]);
    expect(rec.reply?.content).toMatch(
      new RegExp(`^<@${member.user.id}>, here's what the sources say\\.`, 'u'),
    );
  });

  it('shows the next sources with the More sources button', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: MANY_SOURCES },
    });
    expectClean(rec);
    expect(rec.reply?.embeds).toHaveLength(3);
    const page = await harness.fake.sendButton(buttonStartingWith(rec.reply, 'ask:page:2'), {
      message: rec.reply!,
    });
    expectClean(page);
    expect(page.callback?.type).toBe(7);
    expect(
      page.reply?.embeds.map(
        (embed: { footer: { text: string } }) => embed.footer.text.split(' · ')[0],
      ),
    ).toEqual([
      expect.stringMatching(/^Source 4 of \d+$/u),
      expect.stringMatching(/^Source 5 of \d+$/u),
      expect.stringMatching(/^Source 6 of \d+$/u),
    ]);
    expect(page.reply?.content).toBe(`**Q:** ${MANY_SOURCES}`);
    const back = await harness.fake.sendButton(buttonStartingWith(page.reply, 'ask:page:1'), {
      message: page.reply!,
    });
    expectClean(back);
    expect(back.reply?.embeds[0].footer.text).toMatch(/^Source 1 of/u);
  });

  it('pages a hidden answer too', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: MANY_SOURCES, hide: true },
    });
    const page = await harness.fake.sendButton(buttonStartingWith(rec.reply, 'ask:page:2'), {
      message: rec.reply!,
    });
    expectClean(page);
    expect((page.reply?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(page.reply?.embeds[0].footer.text).toMatch(/^Source 4 of/u);
  });

  it('keeps the button working after the bot restarts: nothing lives in memory', async () => {
    const member = harness.fake.member('member');
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: MANY_SOURCES, for: 'member' },
    });
    expectClean(rec, [member.user.id]);
    const commandIds = () =>
      harness.fake.findCommand('ask', { guildId: harness.fake.guild.id })?.id;
    const before = commandIds();
    await harness.restart();
    // Registration is a bulk overwrite: running it again changes nothing.
    expect(commandIds()).toBe(before);
    const page = await harness.fake.sendButton(buttonStartingWith(rec.reply, 'ask:page:2'), {
      message: rec.reply!,
    });
    expectClean(page);
    expect(page.reply?.embeds[0].footer.text).toMatch(/^Source 4 of/u);
    expect(harness.fake.identifies).toHaveLength(2);
  });
});
