import { describe, expect, it } from 'vitest';
import { parseRateLimitDebug } from '../../src/discord/bot.ts';
import { createLogger, lineScrubber } from '../../src/logger.ts';

const TOKEN = 'MTAxNzY4NjM0NTY3ODkwMTIzNA.GfAkE1xq.secret-hmac-part';

describe('lineScrubber', () => {
  const scrub = lineScrubber([TOKEN, undefined, '']);

  it('removes the whole token', () => {
    expect(scrub(`{"msg":"login with ${TOKEN}"}`)).toBe('{"msg":"login with [redacted]"}');
  });

  it('removes its long parts, as discord.js prints "Provided token: <id>.<timestamp>.*****"', () => {
    expect(scrub('{"msg":"Provided token: MTAxNzY4NjM0NTY3ODkwMTIzNA.GfAkE1xq.*****"}')).toBe(
      '{"msg":"Provided token: [redacted].[redacted].*****"}',
    );
  });

  it('removes interaction tokens from callback and webhook URLs', () => {
    expect(scrub('POST /api/v10/interactions/123/aW50ZXJh.Y3Rpb24-x_y/callback')).toBe(
      'POST /api/v10/interactions/123/[redacted]/callback',
    );
    expect(scrub('PATCH /api/v10/webhooks/456/aW50ZXJh/messages/@original')).toBe(
      'PATCH /api/v10/webhooks/456/[redacted]/messages/@original',
    );
  });

  it('leaves a line without secrets as it was', () => {
    expect(scrub('{"msg":"interaction","outcome":"ok"}')).toBe(
      '{"msg":"interaction","outcome":"ok"}',
    );
  });
});

describe('createLogger with secrets', () => {
  it('censors a secret wherever it is, even in a field no redaction path names', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      { write: (line: string) => void lines.push(line) },
      {
        secrets: [TOKEN],
      },
    );
    logger.error({ err: new Error(`request failed`, { cause: { header: `Bot ${TOKEN}` } }) }, 'x');
    logger.info({ nested: { deeper: { value: TOKEN } } }, 'y');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain('secret-hmac-part');
  });
});

describe('parseRateLimitDebug', () => {
  const debug = [
    '[REST 1] Encountered unexpected 429 rate limit',
    '  Global         : false',
    '  Method         : POST',
    '  URL            : http://127.0.0.1/api/v10/interactions/1/token/callback',
    '  Bucket         : /interactions/:id/:token/callback',
    '  Retry After    : 1000ms',
    '  Scope          : user',
  ].join('\n');

  it('keeps the fields an operator needs, and not the URL (it holds the interaction token)', () => {
    expect(parseRateLimitDebug(debug)).toEqual({
      global: 'false',
      method: 'POST',
      bucket: '/interactions/:id/:token/callback',
      retryAfter: '1000ms',
      scope: 'user',
    });
  });

  it('ignores every other debug message', () => {
    expect(parseRateLimitDebug('[REST 1] Received bucket hash update')).toBeUndefined();
  });
});
