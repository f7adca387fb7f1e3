import {
  ButtonStyle,
  ComponentType,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import type { IngestPreview } from '../../src/ingest/preview.ts';
import { DISCORD_LIMITS } from '../../src/discord/limits.ts';
import { PendingPreviews } from '../../src/discord/pending.ts';
import {
  LIST_PAGE_SIZE,
  addTextModal,
  metadataModal,
  removeChoices,
  renderAdded,
  renderDocumentList,
  renderHistory,
  renderPreview,
} from '../../src/discord/render/corpus.ts';
import { isEphemeral } from '../../src/discord/render/payload.ts';
import { codePointLength } from '../../src/discord/text.ts';
import type { AuditEntry, StoredDocumentMeta } from '../../src/store/store.ts';
import { limitViolations } from './helpers.ts';
import { guildScope } from '../../src/core/scope.ts';

const TOKEN = 'AbCdEfGhIjKlMnOp';
const HOSTILE = '@everyone **bold** ||spoiler|| <@123456789012345678> [link](https://evil.test) ';

function preview(overrides: Partial<IngestPreview> = {}): IngestPreview {
  const text = 'Lead in school water. The council measured lead at forty schools in March.';
  return {
    source: { kind: 'url', ref: 'https://www.riverside.test/lead' },
    title: 'Lead in school water: the full results',
    site: 'Riverside Gazette',
    author: 'Ada Byline',
    publishedAt: '2023-03-14',
    url: 'https://www.riverside.test/lead',
    language: 'en',
    text,
    contentHash: 'a'.repeat(64),
    length: text.length,
    wordCount: 14,
    passageCount: 1,
    firstPassage: text,
    urls: ['https://www.riverside.test/lead'],
    ...overrides,
  };
}

function stored(index: number, overrides: Partial<StoredDocumentMeta> = {}): StoredDocumentMeta {
  return {
    id: `document-${index}-abcdef`,
    title: `Document ${index}`,
    scope: guildScope('900000000000000000'),
    origin: 'server',
    contentHash: 'b'.repeat(64),
    source: { kind: 'text', ref: 'pasted text' },
    addedBy: '123456789012345678',
    addedAt: new Date(Date.UTC(2024, 0, index + 1)).toISOString(),
    length: 100,
    language: 'en',
    ...overrides,
  };
}

function modalViolations(modal: APIModalInteractionResponseCallbackData): string[] {
  const problems: string[] = [];
  if (codePointLength(modal.title) > DISCORD_LIMITS.modalTitle) problems.push('title');
  if (modal.custom_id.length > DISCORD_LIMITS.customId) problems.push('custom_id');
  if (modal.components.length > DISCORD_LIMITS.modalComponents) problems.push('components');
  for (const component of modal.components) {
    if (component.type !== ComponentType.Label) {
      problems.push('not a label');
      continue;
    }
    if (codePointLength(component.label) > DISCORD_LIMITS.textInputLabel) problems.push('label');
    if (codePointLength(component.description ?? '') > DISCORD_LIMITS.labelDescription)
      problems.push('description');
    const input = component.component;
    if (input.type !== ComponentType.TextInput) continue;
    if (codePointLength(input.value ?? '') > DISCORD_LIMITS.textInputValue) problems.push('value');
    if ((input.max_length ?? 0) > DISCORD_LIMITS.textInputValue) problems.push('max_length');
    if (codePointLength(input.value ?? '') > (input.max_length ?? Infinity))
      problems.push(`${input.custom_id} value longer than its max_length`);
    if (codePointLength(input.placeholder ?? '') > DISCORD_LIMITS.textInputPlaceholder)
      problems.push('placeholder');
  }
  return problems;
}

describe('renderPreview', () => {
  it('shows what would be stored, privately, with Confirm, Edit metadata and Cancel', () => {
    const payload = renderPreview(preview(), TOKEN);
    expect(limitViolations(payload)).toEqual([]);
    expect(isEphemeral(payload)).toBe(true);
    const [embed] = payload.embeds;
    expect(embed?.title).toBe('Lead in school water: the full results');
    expect(embed?.fields?.map((field) => [field.name, field.value])).toEqual([
      ['Site', 'Riverside Gazette'],
      ['Author', 'Ada Byline'],
      ['Date', '14 March 2023'],
      ['Length', '14 words · 74 characters'],
      ['Passages', '1 passage'],
      ['From', '[a web page on riverside.test](https://www.riverside.test/lead)'],
    ]);
    expect(embed?.description).toContain('The council measured lead');
    expect(
      payload.components[0]?.components.map((button) => [button.custom_id, button.label]),
    ).toEqual([
      [`corpus:confirm:${TOKEN}`, 'Confirm'],
      [`corpus:edit:${TOKEN}`, 'Edit metadata'],
      [`corpus:cancel:${TOKEN}`, 'Cancel'],
    ]);
  });

  it('warns of a duplicate and turns Confirm off', () => {
    const payload = renderPreview(
      preview({
        duplicate: {
          id: 'lead-in-school-water-aaaaaa',
          title: 'Lead in school water',
          reason: 'url',
          message:
            'That address was already added as “Lead in school water” (lead-in-school-water-aaaaaa).',
        },
      }),
      TOKEN,
    );
    expect(limitViolations(payload)).toEqual([]);
    const duplicate = payload.embeds[0]?.fields?.find(
      (field) => field.name === 'Already in the sources',
    );
    expect(duplicate?.value).toContain('already added as “Lead in school water”');
    const [confirm] = payload.components[0]?.components ?? [];
    expect(confirm).toMatchObject({
      custom_id: `corpus:confirm:${TOKEN}`,
      disabled: true,
      style: ButtonStyle.Success,
    });
  });

  it('keeps every limit and escapes corpus text, however long or hostile', () => {
    const long = HOSTILE.repeat(400);
    const payload = renderPreview(
      preview({
        title: long.slice(0, 400),
        site: long.slice(0, 200),
        author: long.slice(0, 200),
        firstPassage: long,
        source: { kind: 'attachment', ref: `${long.slice(0, 300)}.pdf` },
        url: undefined,
        duplicate: { id: 'x', title: long, reason: 'content', message: long },
        wordCount: 1_234_567,
        length: 9_876_543,
      }),
      TOKEN,
    );
    expect(limitViolations(payload)).toEqual([]);
    const text = JSON.stringify(payload.embeds);
    expect(text).not.toMatch(/(?<!\\)\*\*bold/u);
    expect(text).not.toContain('@everyone');
    expect(text).not.toMatch(/(?<!\\)<@123/u);
    expect(payload.embeds[0]?.description?.length).toBeLessThan(1300);
  });
});

describe('renderDocumentList', () => {
  const documents = Array.from({ length: 23 }, (_, index) => stored(23 - index));

  it('pages through the documents, newest first, with Previous and Next', () => {
    const first = renderDocumentList(documents, 1);
    expect(limitViolations(first)).toEqual([]);
    expect(first.embeds[0]?.title).toBe('Documents added in this server (23)');
    expect(
      first.embeds[0]?.description?.split('\n').filter((line) => /^\d+\. /u.test(line)),
    ).toHaveLength(LIST_PAGE_SIZE);
    expect(first.components[0]?.components.map((button) => button.custom_id)).toEqual([
      'corpus:list:2',
    ]);
    const last = renderDocumentList(documents, 3);
    expect(last.embeds[0]?.footer?.text).toMatch(/^Page 3 of 3/u);
    expect(last.embeds[0]?.description).toMatch(/^21\. \*\*Document 3\*\*/u);
    expect(last.components[0]?.components.map((button) => button.custom_id)).toEqual([
      'corpus:list:2',
    ]);
    // A page that no longer exists (documents were removed) shows the last one.
    expect(renderDocumentList(documents, 9).embeds[0]?.footer?.text).toMatch(/^Page 3 of 3/u);
    expect(renderDocumentList(documents, Number.NaN).embeds[0]?.footer?.text).toMatch(
      /^Page 1 of 3/u,
    );
  });

  it('shows who added each document without pinging, and escapes titles', () => {
    const payload = renderDocumentList(
      [stored(1, { title: HOSTILE.repeat(10), addedBy: 'cli:ops_user' })],
      1,
    );
    expect(limitViolations(payload)).toEqual([]);
    expect(payload.embeds[0]?.description).toContain('by cli:ops\\_user');
    expect(payload.embeds[0]?.description).not.toContain('@everyone');
    expect(payload.allowedMentions).toEqual({ parse: [] });
  });

  it('says so when the server has added nothing', () => {
    const payload = renderDocumentList([], 1);
    expect(limitViolations(payload)).toEqual([]);
    expect(payload.embeds[0]?.description).toMatch(
      /^No documents have been added in this server yet/u,
    );
    expect(payload.components).toEqual([]);
  });
});

describe('renderHistory', () => {
  it('lists adds and removals with who and when, within the limits', () => {
    const entries: AuditEntry[] = Array.from({ length: 20 }, (_, index) => ({
      id: index,
      action: index % 2 ? 'remove' : 'add',
      documentId: `document-${index}-abcdef`,
      scope: guildScope('900000000000000000'),
      actor: '123456789012345678',
      at: '2024-05-02T10:00:00.000Z',
      source: `url: https://example.test/${'x'.repeat(300)}`,
      contentHash: 'c'.repeat(64),
      title: HOSTILE.repeat(20),
    }));
    const payload = renderHistory(entries);
    expect(limitViolations(payload)).toEqual([]);
    const description = payload.embeds[0]?.description ?? '';
    expect(description).toContain('<t:1714644000:f> **Added**');
    expect(description).toContain('**Removed**');
    expect(description).toContain('by <@123456789012345678>');
  });
});

describe('removeChoices', () => {
  it("offers this server's documents matching every typed word, within Discord's limits", () => {
    const documents = [
      ...Array.from({ length: 30 }, (_, index) =>
        stored(index, { title: `Water report ${index}` }),
      ),
      stored(99, { title: 'x'.repeat(300), publishedAt: '2021-01-21' }),
      stored(98, { id: 'y'.repeat(101) }),
    ];
    const choices = removeChoices(documents, '');
    expect(choices).toHaveLength(DISCORD_LIMITS.autocompleteChoices);
    expect(removeChoices(documents, 'WATER 29')).toEqual([
      { name: 'Water report 29', value: 'document-29-abcdef' },
    ]);
    const [long] = removeChoices(documents, 'xxxx');
    expect(codePointLength(long!.name)).toBeLessThanOrEqual(DISCORD_LIMITS.choiceName);
    expect(long!.name).toMatch(/… \(2021\)$/u);
    // An id too long for a choice value is left out, not cut.
    expect(removeChoices(documents, 'yyyy')).toEqual([]);
  });
});

describe('modals', () => {
  it('add-text: title, author, date and text, within the modal limits', () => {
    const modal = addTextModal();
    expect(modalViolations(modal)).toEqual([]);
    expect(modal.custom_id).toBe('corpus:text');
  });

  it('Edit metadata: prefilled with the current values, cut to fit', () => {
    const modal = metadataModal(TOKEN, preview({ title: 'T'.repeat(400), site: 'S'.repeat(200) }));
    expect(modalViolations(modal)).toEqual([]);
    expect(modal.custom_id).toBe(`corpus:metadata:${TOKEN}`);
    const values = modal.components.map((component) =>
      component.type === ComponentType.Label && component.component.type === ComponentType.TextInput
        ? [component.component.custom_id, component.component.value]
        : [],
    );
    expect(values).toEqual([
      ['title', 'T'.repeat(400)],
      ['site', 'S'.repeat(200)],
      ['author', 'Ada Byline'],
      ['date', '2023-03-14'],
    ]);
  });
});

describe('renderAdded', () => {
  it('names the document and its id', () => {
    const payload = renderAdded({ id: 'lead-aaaaaa', title: 'Lead *in* water' });
    expect(limitViolations(payload)).toEqual([]);
    expect(payload.embeds[0]?.description).toMatch(
      /^Added “Lead \\\*in\\\* water” \(id `lead-aaaaaa`\)/u,
    );
  });
});

describe('PendingPreviews', () => {
  it('keeps a preview for its owner until it expires or is taken', () => {
    let now = 0;
    const pending = new PendingPreviews({ ttlMs: 1000, now: () => now });
    const token = pending.add({ preview: preview(), ownerId: 'u1', guildId: 'g1' });
    expect(token).toMatch(/^[\w-]{16}$/u);
    expect(pending.get(token)?.ownerId).toBe('u1');
    now = 999;
    expect(pending.replace(token, preview({ title: 'Edited' }))).toBe(true);
    expect(pending.get(token)?.preview.title).toBe('Edited');
    now = 1000;
    expect(pending.get(token)).toBeUndefined();
    expect(pending.replace(token, preview())).toBe(false);
  });

  it('lets one press take a preview; a failed confirmation puts it back with its expiry', () => {
    let now = 0;
    const pending = new PendingPreviews({ ttlMs: 1000, now: () => now });
    const token = pending.add({ preview: preview(), ownerId: 'u1', guildId: 'g1' });
    const taken = pending.take(token)!;
    expect(pending.take(token)).toBeUndefined();
    pending.restore(token, taken);
    now = 1000;
    expect(pending.get(token)).toBeUndefined();
  });

  it('forgets the oldest previews beyond its bounds', () => {
    const pending = new PendingPreviews({ maxEntries: 2, maxChars: 200 });
    const first = pending.add({ preview: preview(), ownerId: 'u1', guildId: 'g1' });
    const second = pending.add({ preview: preview(), ownerId: 'u1', guildId: 'g1' });
    const third = pending.add({ preview: preview(), ownerId: 'u1', guildId: 'g1' });
    expect([first, second, third].map((token) => pending.get(token) !== undefined)).toEqual([
      false,
      true,
      true,
    ]);
    const big = pending.add({
      preview: preview({ text: 'x'.repeat(150) }),
      ownerId: 'u2',
      guildId: 'g1',
    });
    expect(pending.get(big)).toBeDefined();
    expect(pending.size).toBe(1);
  });
});
