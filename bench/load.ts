/**
 * Acknowledgement time under load: `count` members send /ask at the same moment to
 * `footnote start` (a real discord.js client, in its own process as in production) logged in to
 * the local Discord stand-in, which times each acknowledgement from its dispatch. Discord gives
 * 3 s. The stand-in runs in this process, apart from the bot, so the bot's busy CPU cannot delay
 * the stand-in's clock.
 *
 *   node bin/run-ts.js bench/load.ts [--count 200] [--json]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DISCORD_LIMITS } from '../src/discord/limits.ts';
import { FakeDiscord, type InteractionRecord } from '../tests/fake-discord/fake-discord.mjs';
import { latencySummary, type Latency } from './metrics.ts';

/** `footnote` from the sources, through tsx, as the rest of the bench runs. */
const FOOTNOTE = [
  fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)),
  fileURLToPath(new URL('../bin/main.ts', import.meta.url)),
];

/** Asked in turn: answered ones with several citations and a no-answer, as a server would. */
const QUESTIONS = [
  'Which Russian region first introduced Covid-19 passports?',
  'QR codes',
  'What did Lavrov say about vaccine passports?',
  'How do I bake sourdough bread?',
];

export interface AcknowledgementReport {
  /** Interactions sent, all at once. */
  count: number;
  /** Acknowledged (callback received) within Discord's 3 s. */
  acknowledgedInTime: number;
  /** Milliseconds from dispatch to acknowledgement. */
  latency: Latency;
  /** Replies the stand-in would have refused, plus missed deadlines. */
  violations: number;
}

/**
 * Sends `count` /ask together, from `count` different members (each within the default
 * cooldown), and reports how fast they were acknowledged.
 *
 * @example
 * const { latency } = await measureAcknowledgements({ count: 200 });
 * console.log(`p50 ${latency.p50} ms, p99 ${latency.p99} ms`);
 */
export async function measureAcknowledgements({
  count,
  deadlineMs,
}: {
  count: number;
  /** How long the stand-in lets an interaction wait for its acknowledgement (default: 3 s, as Discord). */
  deadlineMs?: number;
}): Promise<AcknowledgementReport> {
  const fake = await new FakeDiscord(
    deadlineMs === undefined ? {} : { interactionDeadlineMs: deadlineMs },
  ).start();
  const dataDir = await mkdtemp(join(tmpdir(), 'footnote-load-'));
  const bot = spawn(process.execPath, [...FOOTNOTE, 'start'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      DISCORD_TOKEN: 'load-test-token',
      DISCORD_API_BASE: fake.apiBase,
      DISCORD_GUILD_ID: fake.guild.id,
      FOOTNOTE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    cwd: dataDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(bot, 'exit');
  try {
    await fake.waitForCommand('ask', 30_000);
    const records: InteractionRecord[] = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        fake.sendChatInput({
          name: 'ask',
          options: { question: QUESTIONS[index % QUESTIONS.length]! },
          member: { username: `asker-${index}` },
          timeoutMs: 30_000,
        }),
      ),
    );
    const deadline = DISCORD_LIMITS.interactionDeadlineMs;
    const acknowledged = records.flatMap((record) =>
      record.callback ? [record.callback.latencyMs] : [],
    );
    return {
      count,
      acknowledgedInTime: acknowledged.filter((ms) => ms < deadline).length,
      latency: latencySummary(acknowledged),
      violations: fake.violations.length,
    };
  } finally {
    bot.kill('SIGTERM');
    await exited;
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One Markdown line for the bench report. */
export function acknowledgementMarkdown(report: AcknowledgementReport): string {
  const { latency } = report;
  return (
    `${report.count} /ask sent together: ${report.acknowledgedInTime} acknowledged within 3 s; ` +
    `p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; ` +
    `${report.violations} violations.`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '200' }, json: { type: 'boolean' } },
  });
  const report = await measureAcknowledgements({ count: Number(values.count) });
  console.log(values.json ? JSON.stringify(report) : acknowledgementMarkdown(report));
}
