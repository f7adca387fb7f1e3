import { z } from 'zod';

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

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every setting Footnote reads from the environment. `.env.example` documents each one. */
export const configSchema = z.object({
  DISCORD_TOKEN: optionalString,
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_BASE: httpUrl,
  FOOTNOTE_DATA_DIR: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().default('./data'),
  ),
  /**
   * Lets `footnote add` and /add fetch URLs on this machine (127.0.0.0/8, ::1). For tests against
   * a local server only: private, link-local and metadata addresses stay refused regardless.
   */
  FOOTNOTE_ALLOW_LOOPBACK_URLS: booleanFlag(false),
  LOG_LEVEL: z.preprocess(
    (value) =>
      typeof value === 'string' && value.trim() === ''
        ? undefined
        : value?.toString().toLowerCase(),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
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
