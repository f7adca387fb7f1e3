import { z } from 'zod';
import { DEFAULT_STALE_AFTER_DAYS } from './core/recency.ts';
import { parseShardIds } from './core/shard-slice.ts';

/** Empty strings in the environment mean "not set" (a blank `DISCORD_GUILD_ID=` line in `.env`). */
const optionalString = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().trim().optional(),
);

const snowflake = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .trim()
    .regex(/^\d{17,20}$/, 'must be a Discord id (17 to 20 digits)')
    .optional(),
);

const httpUrl = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
);

/** "true"/"false" (also 1/0, yes/no, on/off); empty means the default. */
const booleanFlag = (fallback: boolean) =>
  z.preprocess(
    (value) => {
      if (typeof value !== 'string') return value;
      const word = value.trim().toLowerCase();
      if (word === '') return undefined;
      if (['true', '1', 'yes', 'on'].includes(word)) return true;
      if (['false', '0', 'no', 'off'].includes(word)) return false;
      return value;
    },
    z.boolean({ error: 'must be true or false' }).default(fallback),
  );

const STALE_MESSAGE = 'must be a whole number of days from 1 to 36500';
const SHARDS_MESSAGE = 'must be auto or a number of shards from 1 to 10000';
const SHARD_COUNT_MESSAGE = 'must be the total number of shards, from 1 to 10000';
const RETENTION_MESSAGE =
  'must be a whole number of days from 0 to 36500, or forever (0 and forever keep every answer)';

/** How long answers sent with buttons are kept by default (`FOOTNOTE_ANSWER_RETENTION_DAYS`). */
export const DEFAULT_ANSWER_RETENTION_DAYS = 90;

/** Digits become a number; empty means unset; anything else is left for the schema to refuse. */
const digitsToNumber = (value: unknown) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  return /^\d+$/u.test(text) ? Number(text) : text;
};

/** A whole number in `[min, max]`, with one message for every way of missing it. */
const wholeNumber = (min: number, max: number, message: string) =>
  z.number({ error: message }).int(message).min(min, message).max(max, message);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting Footnote reads from the environment. `.env.example` documents each one. */
export const configSchema = z
  .object({
    DISCORD_TOKEN: optionalString,
    DISCORD_GUILD_ID: snowflake,
    DISCORD_API_BASE: httpUrl,
    FOOTNOTE_DATA_DIR: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      z.string().trim().default('./data'),
    ),
    /**
     * `postgres://user:password@host:5432/db`: the store is that PostgreSQL database, shared by
     * every process and host pointed at it. Unset: SQLite in FOOTNOTE_DATA_DIR.
     */
    FOOTNOTE_DATABASE_URL: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      z
        .string()
        .trim()
        .regex(/^postgres(ql)?:\/\/\S+$/u, 'must be a postgres:// URL')
        .optional(),
    ),
    /**
     * Lets `footnote add` and /corpus fetch URLs on this machine (127.0.0.0/8, ::1). For tests
     * against a local server only: private, link-local and metadata addresses stay refused.
     */
    FOOTNOTE_ALLOW_LOOPBACK_URLS: booleanFlag(false),
    /**
     * Roles (ids or exact names, comma-separated) whose members may use /corpus besides those with
     * Manage Server. Empty: Manage Server only.
     */
    FOOTNOTE_MODERATOR_ROLES: z.preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((role) => role.trim())
              .filter(Boolean)
          : value,
      z
        .array(z.string())
        .refine((roles) => roles.every((role) => role.length <= 100), {
          error: 'each role must be an id or a name of at most 100 characters',
        })
        .default([]),
    ),
    FOOTNOTE_STALE_AFTER_DAYS: z.preprocess(
      digitsToNumber,
      z
        .number({ error: STALE_MESSAGE })
        .int(STALE_MESSAGE)
        .min(1, STALE_MESSAGE)
        .max(36_500, STALE_MESSAGE)
        .default(DEFAULT_STALE_AFTER_DAYS),
    ),
    /**
     * Days an answer sent with buttons (its question, cited passages, server) is kept, for its
     * paging and votes; older ones are deleted. `forever` (or 0) keeps every answer: read as 0.
     */
    FOOTNOTE_ANSWER_RETENTION_DAYS: z.preprocess(
      (value) =>
        typeof value === 'string' && value.trim().toLowerCase() === 'forever'
          ? 0
          : digitsToNumber(value),
      wholeNumber(0, 36_500, RETENTION_MESSAGE).default(DEFAULT_ANSWER_RETENTION_DAYS),
    ),
    /** Serves /healthz and /metrics on this port when set; 0 picks a free port (tests). */
    FOOTNOTE_HTTP_PORT: z.preprocess(
      digitsToNumber,
      wholeNumber(0, 65_535, 'must be a port number from 0 to 65535').optional(),
    ),
    /**
     * 127.0.0.1 keeps the metrics (server ids in them) to this machine; the image sets 0.0.0.0,
     * as a container's port can only be published from every interface.
     */
    FOOTNOTE_HTTP_HOST: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      z.string().trim().default('127.0.0.1'),
    ),
    /** How many /ask each member may send per cooldown window. */
    FOOTNOTE_ASK_LIMIT: z.preprocess(
      digitsToNumber,
      wholeNumber(1, 1_000, 'must be a whole number from 1 to 1000').default(3),
    ),
    /** The /ask cooldown window in seconds; 0 turns the cooldown off. */
    FOOTNOTE_ASK_COOLDOWN_SECONDS: z.preprocess(
      digitsToNumber,
      wholeNumber(0, 86_400, 'must be a whole number of seconds from 0 to 86400').default(30),
    ),
    /** Unset: one process. `auto` or a count: discord.js's ShardingManager, one process per shard. */
    FOOTNOTE_SHARDS: z.preprocess(
      digitsToNumber,
      z
        .union(
          [
            z.literal('auto'),
            z.number().int(SHARDS_MESSAGE).min(1, SHARDS_MESSAGE).max(10_000, SHARDS_MESSAGE),
          ],
          { error: SHARDS_MESSAGE },
        )
        .optional(),
    ),
    /**
     * The shards this process runs (`0-7`, `0,2,4`), all in one discord.js client with one index:
     * several hosts each run a slice of `FOOTNOTE_SHARD_COUNT`. Needs `FOOTNOTE_SHARD_COUNT`.
     */
    FOOTNOTE_SHARD_IDS: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
      z
        .string()
        .transform((text, context) => {
          const parsed = parseShardIds(text);
          if ('ids' in parsed) return parsed.ids;
          context.addIssue({
            code: 'custom',
            message: `must list shard ids like 0-7 or 0,2,4 (${parsed.error})`,
          });
          return z.NEVER;
        })
        .optional(),
    ),
    /** How many shards the bot runs across every host, with `FOOTNOTE_SHARD_IDS`. */
    FOOTNOTE_SHARD_COUNT: z.preprocess(
      digitsToNumber,
      wholeNumber(1, 10_000, SHARD_COUNT_MESSAGE).optional(),
    ),
    LOG_LEVEL: z.preprocess(
      (value) =>
        typeof value === 'string' && value.trim() === ''
          ? undefined
          : value?.toString().toLowerCase(),
      z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    ),
  })
  .superRefine((config, context) => {
    const ids = config.FOOTNOTE_SHARD_IDS;
    const count = config.FOOTNOTE_SHARD_COUNT;
    const problem = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if (ids && count === undefined)
      problem(
        'FOOTNOTE_SHARD_COUNT',
        'must be set with FOOTNOTE_SHARD_IDS (the total across hosts)',
      );
    else if (!ids && count !== undefined)
      problem(
        'FOOTNOTE_SHARD_IDS',
        'must be set with FOOTNOTE_SHARD_COUNT (the shards this host runs)',
      );
    else if (ids && count !== undefined && ids.some((id) => id >= count))
      problem(
        'FOOTNOTE_SHARD_IDS',
        `shard ${ids.find((id) => id >= count)} does not exist with FOOTNOTE_SHARD_COUNT=${count} (ids run from 0 to ${count - 1})`,
      );
    if (ids && config.FOOTNOTE_SHARDS !== undefined)
      problem(
        'FOOTNOTE_SHARDS',
        'cannot be combined with FOOTNOTE_SHARD_IDS: use FOOTNOTE_SHARDS on one host, FOOTNOTE_SHARD_IDS with FOOTNOTE_SHARD_COUNT across hosts',
      );
  });

export type Config = z.infer<typeof configSchema>;

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the configuration once, from an injected environment object.
 *
 * @example
 * const config = parseConfig({ FOOTNOTE_DATA_DIR: '/var/lib/footnote' });
 * config.DISCORD_TOKEN; // undefined: Footnote runs offline
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join('.') ?? 'configuration';
  throw new ConfigError(`Invalid ${variable}: ${issue?.message ?? 'invalid value'}.`);
}
