import { describe, expect, it } from 'vitest';
import { expectClean, useHarness } from './harness.ts';

const MOSCOW_TIMES = 'bashkortostan-covid-passports';

const harness = useHarness({}, { expectQuiet: 'afterEach' });

describe('/source autocomplete', () => {
  const suggest = async (typed: string) => {
    const rec = await harness.fake.sendAutocomplete({
      name: 'source',
      options: { document: typed },
    });
    expectClean(rec);
    expect(rec.callback?.type).toBe(8);
    const choices = rec.choices ?? [];
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect([...choice.name].length).toBeLessThanOrEqual(100);
      expect(String(choice.value).length).toBeLessThanOrEqual(100);
    }
    return choices;
  };

  it('lists the newest documents for an empty query', async () => {
    const choices = await suggest('');
    expect(choices).toHaveLength(25);
    expect(choices[0]?.value).toBe('embassy-news-2021-12-01-foreign-ministry-summit-for-democracy');
  });

  it('tolerates a typo', async () => {
    expect((await suggest('bashkortostn'))[0]?.value).toBe(MOSCOW_TIMES);
  });

  it('matches a partial word, the site included', async () => {
    expect((await suggest('moscow')).map((choice) => choice.value)).toContain(MOSCOW_TIMES);
    expect((await suggest('moscow tim'))[0]?.value).toBe(MOSCOW_TIMES);
  });

  it('sends the stable document id and shows the title', async () => {
    const [choice] = await suggest('bashkortostn');
    expect(choice).toEqual({
      name: "Russian Region Becomes First to Introduce Covid-19 'Passports' (2021)",
      value: MOSCOW_TIMES,
    });
  });
});

describe('/source', () => {
  it('shows the chosen document: metadata, link and opening', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'source',
      options: { document: MOSCOW_TIMES },
    });
    expectClean(rec);
    const [embed] = rec.reply?.embeds ?? [];
    expect(embed.title).toBe("Russian Region Becomes First to Introduce Covid-19 'Passports'");
    expect(embed.url).toMatch(/^https:\/\/www\.themoscowtimes\.com\//u);
    expect(embed.author.name).toBe('The Moscow Times');
    expect(embed.description).toContain('Bashkortostan');
    expect(embed.fields.map((field: { name: string }) => field.name)).toEqual([
      'Published',
      'Author',
      'Length',
      'Source',
      'Origin',
    ]);
    expect(embed.fields[0].value).toBe('21 January 2021');
    expect(embed.fields[4].value).toBe('Shipped with Footnote');
    expect(embed.footer.text).toContain(MOSCOW_TIMES);
  });

  it('resolves a title typed without choosing a suggestion', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'source',
      options: { document: 'russian region becomes first' },
    });
    expectClean(rec);
    expect(rec.reply?.embeds[0].footer.text).toContain(MOSCOW_TIMES);
  });

  it('offers the candidates as buttons, privately, when the typed words fit several documents', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'source',
      options: { document: 'lavrov' },
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.content).toMatch(/^“lavrov” fits \d+ documents\./u);
    const buttons = (rec.reply?.components ?? []).flatMap(
      (row: { components: Array<{ custom_id: string; label: string }> }) => row.components,
    );
    expect(buttons.length).toBeGreaterThan(1);
    expect(buttons.length).toBeLessThanOrEqual(10);
    for (const button of buttons) {
      expect(button.custom_id).toMatch(/^source:open:/u);
      expect([...button.label].length).toBeLessThanOrEqual(80);
    }
  });

  it('says so, privately, when no document matches', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'source',
      options: { document: 'zzzz qqqq' },
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.content).toBe(
      'No document matches “zzzz qqqq”. Start typing and pick one of the suggestions.',
    );
  });
});

describe('/help', () => {
  it('explains the commands, privately', async () => {
    const rec = await harness.fake.sendChatInput({ name: 'help' });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    for (const name of ['/ask', '/source', '/help'])
      expect(rec.reply?.content).toContain(`**${name}**`);
    expect(rec.reply?.content).toContain('**Right-click a message → Apps → Find sources**');
  });
});
