import { pino, stdSerializers, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths censored wherever they appear one level deep. The token must never reach a log line;
 * the configuration is not logged at all (it holds the token), so `config` is censored whole.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'config',
  '*.config',
  'env',
  '*.env',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
] as const;

/** Interaction tokens sit in webhook and callback URLs and let anyone answer for the bot for 15 minutes. */
const INTERACTION_TOKEN_IN_URL = /((?:interactions|webhooks)\/\d+\/)[\w.-]+/gu;

export interface LoggerOptions {
  /**
   * Strings that must never be written, wherever they turn up (a message, a library's debug
   * line, an error's cause): the bot token. Each is replaced by `[redacted]` in the final line,
   * as are its dot-separated parts of 8 characters or more, as discord.js prints the first two.
   */
  secrets?: readonly (string | undefined)[];
}

/**
 * The application's logger: JSON lines (pino), secrets censored, errors serialized without the
 * interaction tokens and request bodies that discord.js puts on its API errors. Censoring works
 * at two levels: known fields (`token`, `config`, `authorization`…) by path, then the whole
 * written line, for the secrets themselves and interaction tokens in URLs.
 *
 * @example
 * const logger = createLogger('info', undefined, { secrets: [config.DISCORD_TOKEN] });
 * logger.info({ command: 'ask', guild: '123', latencyMs: 12, outcome: 'ok' }, 'interaction');
 */
export function createLogger(
  level: Level | 'silent',
  destination?: DestinationStream,
  { secrets = [] }: LoggerOptions = {},
): Logger {
  const options = {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { err: serializeError },
    hooks: { streamWrite: lineScrubber(secrets) },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * What `createLogger` does to each written line: removes the secrets (and their long
 * dot-separated parts) and interaction tokens in URLs.
 *
 * @example
 * lineScrubber(['abc.defghijkl.secret-part'])('{"msg":"token abc.defghijkl.*****"}');
 * // '{"msg":"token abc.[redacted].*****"}'
 */
export function lineScrubber(secrets: readonly (string | undefined)[]): (line: string) => string {
  const needles = [
    ...new Set(
      secrets
        .filter((secret): secret is string => typeof secret === 'string' && secret !== '')
        .flatMap((secret) => [secret, ...secret.split('.').filter((part) => part.length >= 8)]),
    ),
  ].sort((a, b) => b.length - a.length); // the whole token before its parts
  return (line) => {
    let clean = line.replace(INTERACTION_TOKEN_IN_URL, '$1[redacted]');
    for (const needle of needles) clean = clean.replaceAll(needle, '[redacted]');
    return clean;
  };
}

/**
 * `pino`'s error serializer, minus what must not be logged.
 *
 * @example
 * serializeError(new Error('POST /interactions/1/secret/callback failed')).message;
 * // "POST /interactions/1/[redacted]/callback failed"
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized: Record<string, unknown> = { ...stdSerializers.err(error) };
  delete serialized['requestBody'];
  for (const [key, value] of Object.entries(serialized)) {
    if (typeof value === 'string')
      serialized[key] = value.replace(INTERACTION_TOKEN_IN_URL, '$1[redacted]');
  }
  return serialized;
}
