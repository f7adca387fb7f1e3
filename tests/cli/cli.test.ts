import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOOTNOTE_ARGS } from '../footnote-command.ts';
import { EVENTUALLY_MS } from '../deadlines.ts';

const run = promisify(execFile);
let dataDir: string;

/** Runs `footnote …` as a user would, in a child process, and never throws on a non-zero exit. */
async function footnote(...args: string[]) {
  return footnoteWith({}, ...args);
}

async function footnoteWith(extraEnv: Record<string, string>, ...args: string[]) {
  const env = {
    PATH: process.env['PATH'] ?? '',
    FOOTNOTE_DATA_DIR: dataDir,
    NO_COLOR: '1',
    ...extraEnv,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [...FOOTNOTE_ARGS, ...args], {
      env,
      cwd: dataDir,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'footnote-cli-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('footnote ask', () => {
  it('prints the answer object with --json, citing the Moscow Times article', async () => {
    const { code, stdout } = await footnote(
      'ask',
      '--json',
      'Which Russian region first introduced Covid-19 passports?',
    );
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(answer.status).toBe('answered');
    expect(answer.citations[0]).toMatchObject({
      documentId: 'bashkortostan-covid-passports',
      url: expect.stringMatching(/^https:\/\/www\.themoscowtimes\.com\//),
      excerpt: expect.stringContaining('Bashkortostan'),
      passage: expect.stringContaining('Bashkortostan'),
      title: expect.any(String),
    });
  });

  it('prints a readable answer with the title, source, date and a link to the passage', async () => {
    const { stdout } = await footnote(
      'ask',
      'Which Russian region first introduced Covid-19 passports?',
    );
    expect(stdout).toContain("Russian Region Becomes First to Introduce Covid-19 'Passports'");
    expect(stdout).toContain('The Moscow Times · Leyla Latypova · 21 January 2021');
    expect(stdout).toContain('#:~:text=');
  });

  it('says plainly that an off-topic question has no answer, and exits 0', async () => {
    const { code, stdout } = await footnote('ask', 'How do I bake sourdough bread?');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^No good answer in the corpus\./);
  });

  it('refuses an empty question with one line on stderr and exit code 1', async () => {
    const { code, stderr, stdout } = await footnote('ask', '  ');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^footnote: Please give a question/);
  });

  it('keeps its index cache in the data directory, created on first use', async () => {
    await footnote('ask', 'QR codes');
    expect(await readdir(dataDir)).toContain('passage-index.bin');
  });
});

describe('footnote source and list', () => {
  it('finds a document from a misspelt title and prints its metadata as JSON', async () => {
    const { code, stdout } = await footnote('source', '--json', 'bashkortostn');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      id: 'bashkortostan-covid-passports',
      site: 'The Moscow Times',
    });
  });

  it('says which document it could not find, without a stack trace', async () => {
    const { code, stderr } = await footnote('source', 'zzzz qqqq');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^footnote: No document matches “zzzz qqqq”/);
    expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it('fails, naming no document, when no title, site or author has the words', async () => {
    const { code, stdout, stderr } = await footnote('source', 'vaccine blockchain');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^footnote: No document matches “vaccine blockchain”/u);
  });

  it('names the candidates of an ambiguous lookup and fails', async () => {
    const { code, stdout, stderr } = await footnote('source', 'lavrov');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^footnote: “lavrov” matches \d+ documents; name one by its id:/u);
    expect(stderr).toContain('  lavrov-makei-news-conference\n');
  });

  it('counts every candidate of a lookup that names a shared source, and names the first ten', async () => {
    const { code, stderr } = await footnote('source', 'embassy');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^footnote: “embassy” matches 22 documents; name one by its id:/u);
    expect(stderr.match(/^ {2}embassy-news-/gmu)).toHaveLength(10);
    expect(stderr).toContain('… and 12 more documents: add words to narrow it down.');
  });

  it('lists the 25 shipped documents', async () => {
    const { stdout } = await footnote('list', '--json');
    expect(JSON.parse(stdout)).toHaveLength(25);
  });
});

describe('usage and configuration errors', () => {
  it('answers an unknown command with a hint and exit code 2', async () => {
    const { code, stderr } = await footnote('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('Run "footnote help" for usage.');
  });

  it('names the variable when the configuration is invalid', async () => {
    const { code, stderr } = await footnoteWith({ LOG_LEVEL: 'loud' }, 'list');
    expect(code).toBe(1);
    expect(stderr).toMatch(/^footnote: Invalid LOG_LEVEL/);
  });
});

describe('footnote start without a token', () => {
  it('prints a sample answer and how to configure the bot when not on a terminal', async () => {
    const { code, stdout } = await footnote('start');
    expect(code).toBe(0);
    expect(stdout).toContain('running offline');
    expect(stdout).toContain('Bashkortostan');
    expect(stdout).toContain('DISCORD_TOKEN');
  });
});

describe('footnote start on a terminal, without a token', () => {
  // `script` (util-linux) runs the command on a pseudo-terminal, as a person at a terminal would.
  it('prompts for questions, answers each, and quits on an empty line', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      const child = execFile(
        'script',
        [
          '-qec',
          `"${process.execPath}" ${FOOTNOTE_ARGS.map((arg) => `"${arg}"`).join(' ')} start`,
          '/dev/null',
        ],
        {
          env: { PATH: process.env['PATH'] ?? '', FOOTNOTE_DATA_DIR: dataDir, TERM: 'dumb' },
          cwd: dataDir,
          timeout: EVENTUALLY_MS,
        },
        (error, out) => (error ? reject(new Error(error.message)) : resolve({ stdout: out })),
      );
      child.stdin?.end('Which region introduced Covid-19 passports first?\n\n');
    });
    expect(stdout).toContain('Type a question and press Enter');
    expect(stdout).toContain('question> ');
    expect(stdout).toContain('Bashkortostan');
  });
});

describe('footnote ask --explain', () => {
  const PASSPORTS = 'Which Russian region first introduced Covid-19 passports?';

  it('lists the judged candidates, best first, with what matched', async () => {
    const { code, stdout } = await footnote('ask', '--explain', PASSPORTS);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\[1\] .+ \(bashkortostan-covid-passports#\d+\)\n {4}score /u);
    expect(stdout).toContain('matched: ');
  });

  it('prints the judged candidates as plain data with --json, without passage texts', async () => {
    const { code, stdout } = await footnote(
      'ask',
      '--explain',
      '--json',
      '--limit',
      '3',
      PASSPORTS,
    );
    expect(code).toBe(0);
    const judged = JSON.parse(stdout);
    expect(judged).toHaveLength(3);
    expect(judged[0]).toMatchObject({
      documentId: 'bashkortostan-covid-passports',
      matched: expect.arrayContaining(['passports']),
      missingNames: [],
    });
    expect(Object.keys(judged[0])).not.toContain('text');
  });
});
