import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { UserError } from '../core/errors.ts';
import type { Extracted } from './extract.ts';
import { cleanText, oneLine, toIsoDate, toLanguageTag } from './text.ts';

/** Elements that start and end a paragraph of their own. */
const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET',
  'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR',
  'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TR', 'UL',
]); // prettier-ignore
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME']);
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** The little of the DOM this file walks (the project compiles without the DOM library). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  tagName?: string;
}

/** What this file reads of a linkedom document (linkedom's own types need the DOM library). */
interface PageDocument {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  documentElement: { getAttribute(name: string): string | null } | null;
  body: DomNode;
}

function parsePage(html: string): PageDocument {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unnecessary-type-assertion -- linkedom's types need the DOM library, which this project leaves out
  return parseHTML(html).document as unknown as PageDocument;
}

/**
 * A web page's article text and metadata, through Readability on a linkedom document. The text
 * is rebuilt paragraph by paragraph from Readability's `content` HTML, because its `textContent`
 * glues a heading to the paragraph after it.
 */
export function extractHtml(html: string, url: string | undefined): Extracted {
  const document = parsePage(html);
  // Readability rewrites the document: read what it does not report first.
  const canonical = absolute(
    document.querySelector('link[rel="canonical"]')?.getAttribute('href') ??
      meta(document, 'og:url'),
    url,
  );
  const fallbackDate =
    meta(document, 'article:published_time') ??
    meta(document, 'date') ??
    meta(document, 'dc.date') ??
    document.querySelector('time[datetime]')?.getAttribute('datetime') ??
    undefined;
  const language = document.documentElement?.getAttribute('lang') ?? undefined;
  let article: ReturnType<Readability<string>['parse']>;
  try {
    article = new Readability(document, { charThreshold: 200 }).parse();
  } catch {
    article = null;
  }
  if (!article?.content) throw new UserError('No readable article text was found on that page.');
  const text = cleanText(paragraphsOf(article.content));
  const byline = oneLine(article.byline)?.replace(/^by\s+/iu, '');
  return {
    title: oneLine(article.title, 400),
    site: oneLine(article.siteName, 200),
    author: byline && byline.length <= 200 ? byline : undefined,
    publishedAt: toIsoDate(article.publishedTime) ?? toIsoDate(fallbackDate),
    canonicalUrl: canonical,
    language: toLanguageTag(article.lang ?? language),
    text,
  };
}

/** The text of an HTML fragment, one paragraph per block element, blank lines between. */
export function paragraphsOf(fragment: string): string {
  const document = parsePage(`<!doctype html><html><body>${fragment}</body></html>`);
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const paragraph = current
      .split('\n')
      .map((line) => line.replace(/[ \t\u00A0]+/gu, ' ').trim())
      .filter(Boolean)
      .join('\n');
    if (paragraph) paragraphs.push(paragraph);
    current = '';
  };
  const walk = (node: DomNode, preformatted: boolean) => {
    if (node.nodeType === TEXT_NODE) {
      const value = node.textContent ?? '';
      current += preformatted ? value : value.replace(/\s+/gu, ' ');
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const name = (node.tagName ?? '').toUpperCase();
    if (SKIPPED.has(name)) return;
    if (name === 'BR') {
      current += '\n';
      return;
    }
    if (name === 'TD' || name === 'TH') current += ' ';
    const block = BLOCKS.has(name);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child, preformatted || name === 'PRE');
    if (block) flush();
  };
  walk(document.body, false);
  flush();
  return paragraphs.join('\n\n');
}

function meta(
  document: {
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  },
  name: string,
) {
  const element =
    document.querySelector(`meta[property="${name}"]`) ??
    document.querySelector(`meta[name="${name}"]`);
  return element?.getAttribute('content') ?? undefined;
}

function absolute(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const resolved = new URL(href.trim(), base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:'
      ? resolved.href
      : undefined;
  } catch {
    return undefined;
  }
}
