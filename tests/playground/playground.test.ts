import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run playground` with these lines piped in, as a person would type them; its output and exit code. */
async function playground(lines: string[]): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'scripts/playground.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(lines.map((line) => `${line}\n`).join(''));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { output, code };
}

/** The part of the transcript that answers `line`: up to the next prompt. */
function answerTo(output: string, line: string): string {
  const start = output.indexOf(`> ${line}\n`);
  expect(start, `the transcript shows "${line}"`).toBeGreaterThan(-1);
  const rest = output.slice(start + line.length + 3);
  const next = rest.search(/^\w+> /mu);
  return next === -1 ? rest : rest.slice(0, next);
}

describe('npm run playground, driven through standard input', () => {
  it('asks, pages with a button pressed by its label, lists the corpus as a moderator, and stops', async () => {
    const { output, code } = await playground([
      '/ask question: QR codes',
      'press More sources',
      '/corpus list',
      'quit',
    ]);
    expect(code).toBe(0);
    expect(output).toContain('You are @moderator');

    const asked = answerTo(output, '/ask question: QR codes');
    expect(asked).toMatch(/^Footnote replied in \d+ ms\n\*\*Q:\*\* QR codes\n│ /u);
    expect(asked).toContain('Source 1 of');
    expect(asked).toMatch(/\[More sources \(4–6 of \d+\)\]/u);
    expect(asked).toContain('[👍] [👎]');

    const paged = answerTo(output, 'press More sources');
    expect(paged).toMatch(/^Footnote updated the message in \d+ ms/u);
    expect(paged).toContain('Source 4 of');
    expect(paged).toContain('[‹ Previous]');

    const listed = answerTo(output, '/corpus list');
    expect(listed).toContain('(only you can see this)');
    expect(listed).toContain('No documents have been added in this server yet.');

    // Nothing Discord would refuse, nobody notified, nothing logged as a warning.
    expect(output).not.toMatch(/⚠|🔔|log: /u);
    expect(output.trimEnd()).toMatch(/Stopping…$/u);
  });
});
