import { describe, expect, it } from 'vitest';
import { createLogger, serializeError } from '../../src/logger.ts';

function capture(level: Parameters<typeof createLogger>[0] = 'debug') {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, { write: (line: string) => void lines.push(line) }) };
}

describe('createLogger', () => {
  it('never writes the token, wherever it is put', () => {
    const { lines, logger } = capture();
    logger.info({ token: 'bot-token-1' }, 'a');
    logger.info({ client: { token: 'bot-token-2' } }, 'b');
    logger.info(
      { DISCORD_TOKEN: 'bot-token-3', config: { DISCORD_TOKEN: 'bot-token-4', LOG_LEVEL: 'info' } },
      'c',
    );
    logger.info({ request: { headers: { authorization: 'Bot bot-token-5' } } }, 'd');
    expect(lines).toHaveLength(4);
    expect(lines.join('\n')).not.toMatch(/bot-token/u);
    expect(JSON.parse(lines[2]!)).toMatchObject({
      DISCORD_TOKEN: '[redacted]',
      config: '[redacted]',
    });
  });

  it('keeps interaction tokens and request bodies out of serialized errors', () => {
    const error = Object.assign(new Error('Unknown interaction'), {
      url: 'http://127.0.0.1/api/v10/interactions/123/aW50ZXJhY3Rpb24.secret_part-1/callback',
      requestBody: { json: { content: 'private answer' } },
    });
    const { lines, logger } = capture();
    logger.error({ err: error }, 'failed');
    expect(lines[0]).not.toMatch(/secret_part|private answer/u);
    expect(JSON.parse(lines[0]!).err.url).toBe(
      'http://127.0.0.1/api/v10/interactions/123/[redacted]/callback',
    );
  });

  it('writes debug lines (where question text goes) only at debug level', () => {
    const { lines, logger } = capture('info');
    logger.debug({ question: 'private question' }, 'ask');
    logger.info({ command: 'ask', outcome: 'ok' }, 'interaction');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('private question');
  });

  it('passes non-errors through the error serializer unchanged', () => {
    expect(serializeError('just a string')).toBe('just a string');
  });
});
