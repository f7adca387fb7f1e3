// The container image, without Docker (not installed on every machine that runs the tests): the
// Dockerfile's two stages are replayed in temporary directories, copying exactly what its COPY
// lines copy and running its build and prune steps, and the compiled `footnote` of the run stage
// answers a question. A file the build needs but the Dockerfile does not copy fails this test.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

interface Stage {
  name: string | undefined;
  instructions: { keyword: string; args: string }[];
}

/** The Dockerfile's stages and their instructions, with continuation lines joined. */
function readDockerfile(): Stage[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/gu, ' ');
  const stages: Stage[] = [];
  for (const line of text.split('\n')) {
    const match = /^([A-Z]+)\s+(.*)$/u.exec(line.trim());
    if (!match) continue;
    const [, keyword = '', args = ''] = match;
    if (keyword === 'FROM')
      stages.push({ name: /\bAS\s+(\S+)/iu.exec(args)?.[1], instructions: [] });
    else stages.at(-1)?.instructions.push({ keyword, args: args.trim() });
  }
  return stages;
}

/** `COPY [--from=stage] a b ./dest`: the sources, the destination and the stage copied from. */
function parseCopy(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const words = args.split(/\s+/u);
  const from = words[0]?.startsWith('--from=') ? words.shift()?.slice('--from='.length) : undefined;
  const dest = words.pop() ?? '.';
  return { from, sources: words, dest };
}

/**
 * Copies into a stage. The build stage's node_modules is linked rather than copied (it is
 * throwaway, and large); everything else is copied, because Node resolves a module's own path
 * through links, and `footnote` finds its package root from its own path.
 */
function copyInto(
  stageDir: string,
  sourceRoot: string,
  sources: string[],
  dest: string,
  { link = false } = {},
): void {
  for (const source of sources) {
    const from = join(sourceRoot, source.replace(/^\/app\/?/u, ''));
    const name = source.replace(/\/+$/u, '').split('/').at(-1) ?? source;
    // `COPY a b ./` puts each file in the folder; `COPY src ./src` copies the folder's contents.
    const to = dest.endsWith('/') ? join(stageDir, dest, name) : join(stageDir, dest);
    mkdirSync(dirname(to), { recursive: true });
    if (link && name === 'node_modules') symlinkSync(from, to);
    else cpSync(from, to, { recursive: true });
  }
}

/**
 * Runs one `RUN` step of the build stage. Installing is replaced by a copy of this checkout's
 * node_modules (installed from the same package-lock.json); everything else runs as written,
 * npm offline (no network here).
 */
function runStep(stageDir: string, command: string): void {
  for (const step of command.split('&&').map((part) => part.trim())) {
    if (/^apt-get\b|^rm -rf \/var\/lib\/apt|^npm cache\b|^npm rebuild\b/u.test(step)) continue;
    if (/^npm ci\b/u.test(step)) {
      cpSync(join(ROOT, 'node_modules'), join(stageDir, 'node_modules'), { recursive: true });
      continue;
    }
    const words = step.split(/\s+/u);
    if (words[0] === 'npm') words.push('--offline', '--no-audit', '--no-fund');
    execFileSync(words[0] ?? '', words.slice(1), { cwd: stageDir, stdio: 'pipe' });
  }
}

describe('the container image (Dockerfile replayed without Docker)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'footnote-image-'));
  const buildDir = join(workDir, 'build');
  const runDir = join(workDir, 'run');

  beforeAll(() => {
    const [build, run] = readDockerfile();
    if (!build || !run)
      throw new Error('The Dockerfile should have a build stage and a run stage.');
    for (const { keyword, args } of build.instructions) {
      if (keyword === 'COPY') {
        const { sources, dest } = parseCopy(args);
        copyInto(buildDir, ROOT, sources, dest);
      } else if (keyword === 'RUN') runStep(buildDir, args);
    }
    for (const { keyword, args } of run.instructions) {
      if (keyword !== 'COPY') continue;
      const { from, sources, dest } = parseCopy(args);
      if (from === build.name) copyInto(runDir, buildDir, sources, dest, { link: true });
      else copyInto(runDir, ROOT, sources, dest);
    }
  }, 180_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('answers a question with the compiled footnote of the run stage', () => {
    const output = execFileSync(
      process.execPath,
      [
        'bin/footnote.js',
        'ask',
        '--json',
        'Which Russian region first introduced Covid-19 passports?',
      ],
      {
        cwd: runDir,
        env: { PATH: process.env['PATH'], FOOTNOTE_DATA_DIR: join(workDir, 'data') },
        encoding: 'utf8',
      },
    );
    const answer = JSON.parse(output) as { status: string; citations: unknown[] };
    expect(answer.status).toBe('answered');
    expect(answer.citations.length).toBeGreaterThan(0);
  });

  it('ships no TypeScript: no sources, no compiler among the dependencies', () => {
    expect(existsSync(join(runDir, 'src'))).toBe(false);
    expect(existsSync(join(runDir, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(join(runDir, 'node_modules/tsx'))).toBe(false);
    expect(readdirSync(join(runDir, 'bin')).filter((file) => file.endsWith('.ts'))).toEqual([]);
  });
});
