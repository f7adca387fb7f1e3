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
 * interaction tokens and request bodies that discord.js puts on its API errors. Without a
 * `destination`, lines go to stdout: JSON for a pipe, a file or a log collector, and one
 * readable line each (`formatLogLine`) when stdout is a terminal. Censoring works
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
  if (destination) return pino(options, destination);
  if (process.stdout.isTTY)
    return pino(options, { write: (line: string) => process.stdout.write(formatLogLine(line)) });
  return pino(options);
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * A JSON log line as a person at a terminal reads it: the local time, the level, the message,
 * then the other fields as `key=value` (an error as its message). Lines that are not JSON pass
 * through unchanged.
 *
 * @example
 * formatLogLine('{"level":30,"time":1764302645000,"pid":7,"hostname":"h","msg":"ready","shard":0}\n');
 * // '04:04:05 INFO  ready shard=0\n' (in UTC)
 */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, pid: _pid, hostname: _hostname, ...fields } = entry;
  const clock = typeof time === 'number' ? new Date(time).toTimeString().slice(0, 8) : '--:--:--';
  const name = (typeof level === 'number' ? LEVEL_NAMES[level] : undefined) ?? String(level);
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${fieldText(value)}`);
  return `${[clock, name.padEnd(5), typeof msg === 'string' ? msg : '', ...rest].join(' ')}\n`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /[\s"]/u.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && 'type' in value)
    return JSON.stringify(String(value.message));
  return JSON.stringify(value);
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
