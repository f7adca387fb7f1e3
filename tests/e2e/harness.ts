import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { registry } from '../../commands/index.ts';
import { runBot, type RunningFootnote, type RunOptions } from '../../src/app/run.ts';
import {
  FakeDiscord,
  type FakeMessage,
  type InteractionRecord,
} from '../fake-discord/fake-discord.mjs';

export interface Harness {
  fake: FakeDiscord;
  /** The environment `npm start` would see. */
  env: Record<string, string>;
  /** What the bot printed (the invite link). */
  output: string[];
  /** Every log line, as written (JSON); empty at the default LOG_LEVEL, silent. */
  logs: string[];
  /** The running bot, until `stopBot`. */
  bot(): RunningFootnote | undefined;
  /** Stops the running bot and starts a fresh one on the same fake (a restart). */
  restart(): Promise<void>;
  /** Stops the bot only. */
  stopBot(): Promise<void>;
  close(): Promise<void>;
}

export type HarnessOptions = Pick<RunOptions, 'wrapCorpus' | 'fetch'> & {
  /** Settings added to (or replacing) the defaults below. */
  env?: Record<string, string>;
  fake?: ConstructorParameters<typeof FakeDiscord>[0];
};

/**
 * The local Discord stand-in plus the real entry point, `runBot(env)`: what `npm start` runs
 * with a token, through an unmodified discord.js client. Test files use {@link useHarness},
 * which also stops it.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { env: extraEnv, fake: fakeOptions, ...runOptions } = options;
  const fake = await new FakeDiscord(fakeOptions).start();
  const dataDir = await mkdtemp(join(tmpdir(), 'footnote-e2e-'));
  const env = {
    DISCORD_TOKEN: 'test-token',
    DISCORD_API_BASE: fake.apiBase,
    DISCORD_GUILD_ID: fake.guild.id,
    FOOTNOTE_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Tests ask many questions as one member; tests/ops/cooldown.test.ts covers the cooldown.
    FOOTNOTE_ASK_COOLDOWN_SECONDS: '0',
    ...extraEnv,
  };
  const output: string[] = [];
  const logs: string[] = [];
  const start = () =>
    runBot(env, registry, {
      ...runOptions,
      output: { write: (text: string) => output.push(text) },
      logDestination: { write: (line: string) => void logs.push(line) },
      // The test runner owns the process's signals.
      handleSignals: false,
    });
  let bot: RunningFootnote | undefined = await start();
  const stopBot = async () => {
    await bot?.stop();
    bot = undefined;
  };
  return {
    fake,
    env,
    output,
    logs,
    bot: () => bot,
    stopBot,
    async restart() {
      await stopBot();
      bot = await start();
    },
    async close() {
      await stopBot();
      await fake.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What every interaction must satisfy: nothing Discord would reject, answered inside 3 s, and
 * nobody notified but `pinged` (user ids).
 */
export function expectClean(rec: InteractionRecord, pinged: string[] = []): void {
  expect(rec.violations).toEqual([]);
  expect(rec.timedOut).toBe(false);
  expect(rec.callback).not.toBeNull();
  expect(rec.callback!.latencyMs).toBeLessThan(3000);
  for (const message of rec.messages) {
    expect(message.pings).toEqual({ users: pinged, roles: [], everyone: false });
  }
}

/** Everything a whole file's run must leave behind: no violations, no unknown routes. */
export function expectQuietFake(fake: FakeDiscord): void {
  expect(fake.violations).toEqual([]);
  expect(fake.unhandledRequests).toEqual([]);
}

/** The custom id of the button labelled `label` on the record's message. */
export function button(rec: InteractionRecord, label: string): string {
  const found = (rec.reply?.components ?? [])
    .flatMap((row: { components: { label: string; custom_id: string }[] }) => row.components)
    .find((candidate: { label: string }) => candidate.label === label);
  if (!found) throw new Error(`no "${label}" button on ${JSON.stringify(rec.reply)}`);
  return found.custom_id;
}

/**
 * The custom id of the button on `message` whose id is `prefix` followed by more parts: an
 * answer's paging and vote buttons end with the answer's id, `ask:page:2:<answer id>`.
 */
export function buttonStartingWith(
  message: FakeMessage | null | undefined,
  prefix: string,
): string {
  const found = (message?.components ?? [])
    .flatMap((row: { components: { custom_id: string }[] }) => row.components)
    .find((candidate: { custom_id: string }) => candidate.custom_id.startsWith(`${prefix}:`));
  if (!found) throw new Error(`no button "${prefix}:…" on ${JSON.stringify(message)}`);
  return found.custom_id;
}

/** A harness started for a test file (or a `describe` block): closed by the hooks, not by you. */
export type UsedHarness = Omit<Harness, 'close'>;

/**
 * Starts one harness before the tests of the file (or of the `describe` it is called in) and
 * closes it after them. `expectQuiet` also checks the fake after each test, or once at the end,
 * with {@link expectQuietFake}. The result reads the running harness, so it can be held in a
 * `const` at the top of the file; a `beforeAll` registered after this call sees it started.
 *
 * @example
 * const harness = useHarness({ env: { FOOTNOTE_HTTP_PORT: '0' } }, { expectQuiet: 'afterEach' });
 * it('answers', async () => {
 *   expectClean(await harness.fake.sendChatInput({ name: 'ask', options: { question: 'QR' } }));
 * });
 */
export function useHarness(
  options: HarnessOptions = {},
  checks: { expectQuiet?: 'afterEach' | 'afterAll' } = {},
): UsedHarness {
  let current: Harness | undefined;
  const started = (): Harness => {
    if (!current) throw new Error('useHarness(): the harness starts in beforeAll, read it later');
    return current;
  };
  beforeAll(async () => {
    current = await startHarness(options);
  });
  if (checks.expectQuiet === 'afterEach') afterEach(() => expectQuietFake(started().fake));
  afterAll(async () => {
    const harness = current;
    current = undefined;
    if (!harness) return;
    try {
      if (checks.expectQuiet === 'afterAll') expectQuietFake(harness.fake);
    } finally {
      await harness.close();
    }
  });
  return {
    get fake() {
      return started().fake;
    },
    get env() {
      return started().env;
    },
    get output() {
      return started().output;
    },
    get logs() {
      return started().logs;
    },
    bot: () => started().bot(),
    restart: () => started().restart(),
    stopBot: () => started().stopBot(),
  };
}
