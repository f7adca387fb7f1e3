/**
 * `npm run playground`: try the bot by hand without a Discord account. Starts the local Discord
 * stand-in and the bot in this process, on 127.0.0.1, and reads commands as a person would type
 * them in Discord (`/ask question: …`, `/source …`, `/corpus list`, `press More sources`),
 * printing each reply as Discord would show it.
 *
 *   npm run playground [-- --data <dir>]
 *
 * Without `--data`, the bot writes to a temporary directory removed at the end, so documents
 * added with /corpus last one session.
 */
import { createInterface, type AsyncCompleter } from 'node:readline';
import { parseArgs } from 'node:util';
import { ANSI, PLAIN } from './playground/render.ts';
import { startPlayground } from './playground/session.ts';

const { values } = parseArgs({ options: { data: { type: 'string' } } });
const { stdin, stdout } = process;
const color = stdout.isTTY && !process.env['NO_COLOR'];

stdout.write('Starting Footnote and the local Discord stand-in…\n');
const playground = await startPlayground({
  ...(values.data ? { dataDir: values.data } : {}),
  env: process.env,
  style: color ? ANSI : PLAIN,
});

const completer: AsyncCompleter = (line, callback) => {
  playground.complete(line).then(
    (candidates) => callback(null, [candidates, line]),
    () => callback(null, [[], line]),
  );
};
const prompt = createInterface({ input: stdin, output: stdout, completer, terminal: stdin.isTTY });
const promptText = () => `${playground.member}> `;
stdout.write(`${playground.banner}\n\n`);
prompt.setPrompt(promptText());
prompt.prompt();
try {
  // The line iterator queues lines typed or piped in while a reply is on its way.
  for await (const line of prompt) {
    // Piped in, the typed line is not echoed: print it, so the transcript reads as a session.
    if (!stdin.isTTY) stdout.write(`${line}\n`);
    const { output, quit } = await playground.run(line);
    if (output) stdout.write(`${output}\n\n`);
    if (quit) break;
    prompt.setPrompt(promptText());
    prompt.prompt();
  }
} finally {
  prompt.close();
  stdout.write('\nStopping…\n');
  await playground.close();
}
