import { describe, expect, it } from 'vitest';
import type { Footnote } from '../../src/core/api.ts';
import { GENERIC_ERROR } from '../../src/discord/dispatcher.ts';
import { expectClean, useHarness } from './harness.ts';

/** A question the test seam turns into an unexpected failure inside the corpus. */
const EXPLOSIVE = 'explode with an internal error';
const INTERNAL = 'internal detail: /srv/footnote/index.json is corrupt';

/** Test-only seam: the real corpus, except that one question and one lookup throw. */
function sabotage(corpus: Footnote): Footnote {
  return {
    ask: (question, options) => {
      if (question === EXPLOSIVE) throw new Error(INTERNAL);
      return corpus.ask(question, options);
    },
    findDocuments: (query, options) => {
      if (query === 'explode') throw new Error(INTERNAL);
      return corpus.findDocuments(query, options);
    },
    recite: (question, passageIds, options) => corpus.recite(question, passageIds, options),
    summarize: (id, options) => corpus.summarize(id, options),
    resolveDocument: (query, options) => corpus.resolveDocument(query, options),
    listDocuments: (options) => corpus.listDocuments(options),
  };
}

const harness = useHarness({ wrapCorpus: sabotage }, { expectQuiet: 'afterEach' });

describe('user errors', () => {
  it.each([
    ['an empty question', ''],
    ['a blank question', '   '],
  ])('answers %s with a friendly private message', async (_, question) => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question },
      skipClientValidation: true,
    });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.content).toBe('Please type a question.');
  });
});

describe('unexpected errors', () => {
  it('answers with one generic private line, never the internal message', async () => {
    const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question: EXPLOSIVE } });
    expectClean(rec);
    expect(rec.ephemeral).toBe(true);
    expect(rec.reply?.content).toBe(GENERIC_ERROR);
    expect(JSON.stringify(rec.messages)).not.toContain('internal detail');
  });

  it('keeps serving afterwards', async () => {
    const rec = await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: 'Which Russian region first introduced Covid-19 passports?' },
    });
    expectClean(rec);
    expect(rec.reply?.embeds[0].title).toContain('Covid-19');
  });

  it('answers a failing autocomplete with no choices rather than silence', async () => {
    const rec = await harness.fake.sendAutocomplete({
      name: 'source',
      options: { document: 'explode' },
    });
    expectClean(rec);
    expect(rec.choices).toEqual([]);
  });
});

describe('the deadline', () => {
  it('was met by every interaction of this file', () => {
    const records = [...harness.fake.interactions.values()];
    expect(records.length).toBeGreaterThan(0);
    for (const rec of records) {
      expect(rec.callback?.latencyMs).toBeLessThan(3000);
    }
  });
});
