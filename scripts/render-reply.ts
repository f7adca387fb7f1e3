/**
 * The README's picture of a real reply. Asks the bot a question through the local Discord
 * stand-in (the real bot, as in `npm run playground`), keeps the payload the bot sent
 * (`docs/img/ask-reply.json`), renders it as Discord's dark theme shows it
 * (`scripts/reply-html.ts`) and screenshots that with headless Chromium
 * (`docs/img/ask-reply.png`).
 *
 *   node bin/run-ts.js scripts/render-reply.ts [--question "…"] [--from <payload.json>]
 *                                             [--out docs/img/ask-reply.png] [--chromium <path>]
 *
 * Chromium is needed only here (Debian: `apt-get install chromium fonts-noto-color-emoji`);
 * no test and nothing in CI uses it. `--from` re-renders a saved payload without the bot.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startPlayground } from './playground/session.ts';
import { replyHtml, type ReplyMessage } from './reply-html.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    question: {
      type: 'string',
      default: 'Which Russian region first introduced Covid-19 passports?',
    },
    from: { type: 'string' },
    out: { type: 'string', default: 'docs/img/ask-reply.png' },
    chromium: { type: 'string', default: 'chromium' },
  },
});
const out = values.out;
const payloadFile = out.replace(/\.png$/u, '.json');
/** Shown at 620 CSS pixels, captured at twice that for sharp text. */
const WIDTH = 620;
const SCALE = 2;
/** Writes the page's height where `--dump-dom` shows it. */ const MEASURE = `<script>
  document.documentElement.dataset.height = Math.ceil(document.body.getBoundingClientRect().height);
</script>`;

const message = values.from
  ? (JSON.parse(await readFile(values.from, 'utf8')) as ReplyMessage)
  : await askTheBot(values.question);
if (!values.from) await writeFile(payloadFile, `${JSON.stringify(message, null, 2)}\n`);

const html = replyHtml(message, {
  botName: 'Footnote',
  userName: 'moderator',
  command: '/ask',
  time: `Today at ${new Date().toISOString().slice(11, 16)}`,
});
const work = await mkdtemp(join(tmpdir(), 'footnote-render-'));
try {
  const page = join(work, 'reply.html');
  // The first pass measures the page's height, the second captures exactly that much.
  await writeFile(page, html.replace('</body>', `${MEASURE}</body>`));
  const { stdout: dom } = await chromium(['--dump-dom', `file://${page}`]);
  const height = Number(/data-height="(\d+)"/u.exec(dom)?.[1]);
  if (!Number.isFinite(height) || height === 0) throw new Error('could not measure the page');
  await writeFile(page, html);
  await chromium([
    `--screenshot=${join(process.cwd(), out)}`,
    `--window-size=${WIDTH},${height}`,
    `--force-device-scale-factor=${SCALE}`,
    `file://${page}`,
  ]);
  console.log(
    `${out}: ${WIDTH * SCALE} × ${height * SCALE} pixels, from ${values.from ?? payloadFile}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}

async function askTheBot(question: string): Promise<ReplyMessage> {
  const playground = await startPlayground();
  try {
    const record = await playground.fake.sendChatInput({
      name: 'ask',
      options: { question },
      member: 'moderator',
    });
    if (!record.reply || record.violations.length > 0)
      throw new Error(`the bot's reply was refused: ${JSON.stringify(record.violations)}`);
    const { content, embeds, components } = record.reply;
    return { content, embeds, components };
  } finally {
    await playground.close();
  }
}

function chromium(args: string[]) {
  return run(values.chromium, [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--virtual-time-budget=3000',
    ...args,
  ]);
}
