import type { APIEmbed } from 'discord.js';
import type { Footnote } from '../../src/core/api.ts';
import { UserError } from '../../src/core/errors.ts';
import type {
  Answer,
  AnsweredAnswer,
  Citation,
  DocumentMatch,
  DocumentMeta,
  ListedDocument,
  DocumentSummary,
} from '../../src/core/types.ts';
import { DISCORD_LIMITS } from '../../src/discord/limits.ts';
import { embedLength, type MessagePayload } from '../../src/discord/render/payload.ts';
import { codePointLength } from '../../src/discord/text.ts';
import { GLOBAL_SCOPE } from '../../src/core/scope.ts';

/** A citation with sensible defaults; override what a test is about. */
export function citation(overrides: Partial<Citation> = {}): Citation {
  const excerpt =
    overrides.excerpt ?? 'Bashkortostan will introduce Covid-19 passports from Feb. 5.';
  return {
    documentId: 'bashkortostan-covid-passports',
    title: "Russian Region Becomes First to Introduce Covid-19 'Passports'",
    site: 'The Moscow Times',
    author: 'Leyla Latypova',
    publishedAt: '2021-01-21',
    url: 'https://www.themoscowtimes.com/2021/01/21/russian-region-a72678',
    passageId: 'bashkortostan-covid-passports#1',
    ordinal: 1,
    passageCount: 5,
    stale: false,
    passage: excerpt,
    excerpt,
    excerptRange: { start: 0, end: excerpt.length },
    marks: [{ start: 0, end: 13 }],
    matchedTerms: ['Bashkortostan'],
    matchedInExcerpt: ['Bashkortostan'],
    matchedElsewhere: [],
    notInDocument: [],
    score: 1,
    ...overrides,
  };
}

export function answered(
  citations: Citation[],
  question = 'Which region introduced passports first?',
): AnsweredAnswer {
  return { status: 'answered', question, citations };
}

/**
 * Every Discord limit a message payload can break, as readable strings (empty when it fits).
 * Counts code points, as Discord (and the local stand-in) do.
 */
export function limitViolations(payload: Partial<MessagePayload>): string[] {
  const problems: string[] = [];
  const over = (what: string, text: string | undefined, max: number, min = 0) => {
    if (text === undefined) return;
    const length = codePointLength(text);
    if (length > max || length < min) problems.push(`${what}: ${length} not in ${min}..${max}`);
  };
  over('content', payload.content, DISCORD_LIMITS.messageContent);
  const embeds: APIEmbed[] = payload.embeds ?? [];
  if (embeds.length > DISCORD_LIMITS.embedsPerMessage) problems.push(`${embeds.length} embeds`);
  embeds.forEach((embed, index) => {
    over(`embeds[${index}].title`, embed.title, DISCORD_LIMITS.embedTitle, 1);
    over(`embeds[${index}].description`, embed.description, DISCORD_LIMITS.embedDescription, 1);
    over(`embeds[${index}].footer`, embed.footer?.text, DISCORD_LIMITS.embedFooterText, 1);
    over(`embeds[${index}].author`, embed.author?.name, DISCORD_LIMITS.embedAuthorName, 1);
    if ((embed.fields?.length ?? 0) > DISCORD_LIMITS.embedFields)
      problems.push(`embeds[${index}]: too many fields`);
    embed.fields?.forEach((field, f) => {
      over(`embeds[${index}].fields[${f}].name`, field.name, DISCORD_LIMITS.embedFieldName, 1);
      over(`embeds[${index}].fields[${f}].value`, field.value, DISCORD_LIMITS.embedFieldValue, 1);
    });
    for (const url of [embed.url])
      if (url !== undefined && !/^https?:\/\/\S+$/u.test(url)) problems.push(`bad url ${url}`);
  });
  const total = embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  if (total > DISCORD_LIMITS.embedTotal) problems.push(`embed total ${total}`);
  const rows = payload.components ?? [];
  if (rows.length > DISCORD_LIMITS.actionRowsPerMessage) problems.push(`${rows.length} rows`);
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.components.length > DISCORD_LIMITS.buttonsPerRow)
      problems.push('too many buttons in a row');
    for (const button of row.components) {
      over('custom_id', button.custom_id, DISCORD_LIMITS.customId, 1);
      over('label', button.label, DISCORD_LIMITS.buttonLabel, 1);
      if (ids.has(button.custom_id)) problems.push(`duplicate custom_id ${button.custom_id}`);
      ids.add(button.custom_id);
    }
  }
  const hasSomething =
    (payload.content ?? '').trim() !== '' || embeds.length > 0 || rows.length > 0;
  if (payload.content !== undefined && !hasSomething) problems.push('empty message');
  const mentions = payload.allowedMentions;
  if (!mentions || mentions.parse.length !== 0) problems.push('allowedMentions must parse nothing');
  return problems;
}

/** A small `Footnote` over fixed data, for renderer and dispatcher tests that need no corpus. */
export class MemoryFootnote implements Footnote {
  constructor(
    readonly documents: DocumentMeta[],
    readonly answer: (question: string) => Answer = (question) => ({
      status: 'no-answer',
      question,
      reason: 'No document mentions it.',
      missingTerms: [],
      suggestions: [],
    }),
  ) {}

  ask(question: string): Answer {
    if (question.trim() === '') throw new UserError('Please type a question.');
    return this.answer(question);
  }

  /** The answer to the question, keeping only the citations of `passageIds`, in that order. */
  recite(question: string, passageIds: readonly string[]): AnsweredAnswer {
    const answer = this.ask(question);
    const citations = answer.status === 'answered' ? answer.citations : [];
    return {
      status: 'answered',
      question,
      citations: passageIds.flatMap((id) => citations.filter((c) => c.passageId === id)),
    };
  }

  findDocuments(query: string): DocumentMatch[] {
    const needle = query.trim().toLowerCase();
    return this.documents
      .filter((document) => document.title.toLowerCase().includes(needle))
      .map((document) => ({
        documentId: document.id,
        title: document.title,
        publishedAt: document.publishedAt,
        score: 1,
      }));
  }

  summarize(documentId: string): DocumentSummary | undefined {
    const document = this.documents.find((candidate) => candidate.id === documentId);
    if (!document) return undefined;
    return {
      ...document,
      scope: GLOBAL_SCOPE,
      origin: 'shipped',
      summary: `${document.title}.`,
      passageCount: 1,
      length: 10,
      wordCount: 2,
    };
  }

  resolveDocument(query: string): DocumentSummary | undefined {
    const id = this.summarize(query)?.id ?? this.findDocuments(query)[0]?.documentId;
    return id ? this.summarize(id) : undefined;
  }

  listDocuments(): ListedDocument[] {
    return this.documents.map((document) => ({
      ...document,
      scope: GLOBAL_SCOPE,
      origin: 'shipped',
    }));
  }
}
