import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every module specifier a TypeScript file imports or re-exports, statically or dynamically. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gmu,
    /^\s*import\s*['"]([^'"]+)['"]/gmu,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/gu,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(join(ROOT, directory), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(?:ts|mts|js|mjs)$/u.test(file))
    .map((file) => join(directory, file));
}

/** `file`'s imports, relative ones resolved to paths from the repository root. */
function resolvedImports(file: string): string[] {
  return importsOf(readFileSync(join(ROOT, file), 'utf8')).map((specifier) =>
    specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)) : specifier,
  );
}

/** Packages and Node modules that mean I/O or an edge: the core must not reach for them. */
const IMPURE = [
  /^discord\.js$/u,
  /^@discordjs\//u,
  /^better-sqlite3$/u,
  /^kysely/u,
  /^pg$/u,
  /^(?:node:)?(?:fs|net|http|https|http2|dgram|child_process)(?:\/|$)/u,
];

describe('importsOf (the scanner the rules below rely on)', () => {
  it.each([
    ["import { a } from './a.ts';", ['./a.ts']],
    ["import type {\n  B,\n} from 'discord.js';", ['discord.js']],
    ["export { c } from '../store/store.ts';", ['../store/store.ts']],
    ["import 'node:fs';", ['node:fs']],
    ["const pg = await import('pg');", ['pg']],
    ["// the word import from 'x' in prose\nconst s = 'from';", []],
  ])('finds the specifiers of %j', (source, expected) => {
    expect(importsOf(source)).toEqual(expected);
  });
});

describe('layers', () => {
  it('keeps src/core pure: no Discord, database, store, file system or network, nothing outside core', () => {
    const files = sourceFiles('src/core');
    expect(files.length).toBeGreaterThan(5);
    const offending = files.flatMap((file) =>
      resolvedImports(file)
        .filter(
          (target) =>
            IMPURE.some((pattern) => pattern.test(target)) ||
            (target.startsWith('src/') && !target.startsWith('src/core/')),
        )
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('reads the configuration only in src/app, the composition root (the CLI asks it)', () => {
    const offending = sourceFiles('src')
      .filter((file) => !file.startsWith('src/app/') && file !== 'src/config.ts')
      .filter((file) => {
        const source = readFileSync(join(ROOT, file), 'utf8');
        return /\bparseConfig\b/u.test(source) || importsOf(source).includes('dotenv');
      });
    expect(offending).toEqual([]);
  });

  it('keeps the store out of ingestion and the data directory out of the HTTP adapter', () => {
    const offending = [
      ...sourceFiles('src/ingest').flatMap((file) =>
        resolvedImports(file)
          .filter((target) => target.startsWith('src/store/'))
          .map((target) => `${file} imports ${target}`),
      ),
      ...sourceFiles('src/http').flatMap((file) =>
        resolvedImports(file)
          .filter((target) => /^(?:node:)?fs(?:\/|$)|make-directory/u.test(target))
          .map((target) => `${file} imports ${target}`),
      ),
    ];
    expect(offending).toEqual([]);
  });

  it('never imports commands/ from src/: the registry is injected by the entry point', () => {
    const offending = sourceFiles('src').flatMap((file) =>
      resolvedImports(file)
        .filter((target) => target.startsWith('commands/'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(offending).toEqual([]);
  });
});
