import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's heading anchors: lower case, punctuation and emoji dropped, each space a hyphen. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /gu, '-');
}

function anchorsIn(page: string): Set<string> {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/gu, '');
  return new Set(
    [...text.matchAll(/^#{1,6} (.+)$/gmu)].map(([, heading]) =>
      anchorOf(heading!.replaceAll('`', '')),
    ),
  );
}

/** Every relative link and image of a page: `[text](target)` and `<img src="target">`. */
function linksIn(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/gu, '');
  const targets = [
    ...[...text.matchAll(/\]\(([^)\s]+)\)/gu)].map((match) => match[1]!),
    ...[...text.matchAll(/<img src="([^"]+)"/gu)].map((match) => match[1]!),
  ];
  return targets.filter((target) => !/^[a-z]+:/u.test(target));
}

const LINKS = PAGES.flatMap((page) => linksIn(page).map((target) => [page, target] as const));

describe('links between README and docs/', () => {
  it.each(LINKS)('%s links to %s, which exists', (page, target) => {
    const [path = '', anchor] = target.split('#');
    const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), path));
    expect(existsSync(join(ROOT, file)), `${file} exists`).toBe(true);
    if (anchor !== undefined && file.endsWith('.md'))
      expect([...anchorsIn(file)]).toContain(anchor);
  });
});
