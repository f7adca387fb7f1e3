import { DiscordAPIError, DiscordjsError, DiscordjsErrorCodes, HTTPError } from 'discord.js';

/** Where discord.js talks to when `DISCORD_API_BASE` is unset. */
const DISCORD_API = 'https://discord.com/api';

/** Codes Node and undici give a request that never reached an HTTP answer. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * One line for a failure talking to Discord that names the setting to check, or undefined when
 * the error is something else. `register`, `start` and the shard manager all print this, and
 * log it instead of a stack trace.
 *
 * @example
 * describeDiscordFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'),
 *   { code: 'ECONNREFUSED' }), 'http://127.0.0.1:1');
 * // 'Cannot reach the Discord API at http://127.0.0.1:1 (ECONNREFUSED): check DISCORD_API_BASE.'
 */
export function describeDiscordFailure(
  error: unknown,
  apiBase: string | undefined,
): string | undefined {
  const status =
    error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
  const tokenInvalid =
    error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid;
  if (status === 401 || tokenInvalid)
    return (
      'Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token again from the ' +
      'Developer Portal (your application → Bot → Reset Token) into .env.'
    );
  const code = networkCode(error);
  const where = apiBase ?? DISCORD_API;
  const check = apiBase
    ? 'check DISCORD_API_BASE'
    : "check this machine's network connection (and DISCORD_API_BASE if you use a proxy)";
  if (code) return `Cannot reach the Discord API at ${where} (${code}): ${check}.`;
  if (error instanceof Error && error.name === 'AbortError')
    return `The Discord API at ${where} did not answer in time: ${check}.`;
  if (status !== undefined && status >= 500)
    return `The Discord API at ${where} answered ${status}: Discord may be down; try again later.`;
  return undefined;
}

/** The network error code on the error or its cause (`fetch failed` wraps it). */
function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 3; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
