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

/**
 * The application's logger: JSON lines (pino), secrets censored, errors serialized without the
 * interaction tokens and request bodies that discord.js puts on its API errors.
 *
 * @example
 * const logger = createLogger('info');
 * logger.info({ command: 'ask', guild: '123', latencyMs: 12, outcome: 'ok' }, 'interaction');
 */
export function createLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
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
