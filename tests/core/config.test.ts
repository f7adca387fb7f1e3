import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

describe('parseConfig', () => {
  it('runs offline with defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config).toMatchObject({
      FOOTNOTE_DATA_DIR: './data',
      FOOTNOTE_STALE_AFTER_DAYS: 365,
      LOG_LEVEL: 'info',
    });
  });

  it('treats an empty value as unset, as a blank line in .env means', () => {
    expect(parseConfig({ DISCORD_GUILD_ID: '', FOOTNOTE_STALE_AFTER_DAYS: ' ' })).toMatchObject({
      DISCORD_GUILD_ID: undefined,
      FOOTNOTE_STALE_AFTER_DAYS: 365,
    });
  });

  it.each([
    [undefined, 90],
    ['', 90],
    ['30', 30],
    [' 0 ', 0],
    ['forever', 0],
    ['Forever', 0],
  ])('reads FOOTNOTE_ANSWER_RETENTION_DAYS=%j as %d days (0: kept forever)', (value, days) => {
    expect(
      parseConfig({ FOOTNOTE_ANSWER_RETENTION_DAYS: value }).FOOTNOTE_ANSWER_RETENTION_DAYS,
    ).toBe(days);
  });

  it('drops a trailing slash from the API base URL', () => {
    expect(parseConfig({ DISCORD_API_BASE: 'http://127.0.0.1:3000/api/' }).DISCORD_API_BASE).toBe(
      'http://127.0.0.1:3000/api',
    );
  });

  it.each([
    ['DISCORD_GUILD_ID', 'my-server', /^Invalid DISCORD_GUILD_ID: must be a Discord id/],
    [
      'DISCORD_API_BASE',
      'ftp://example.org',
      /^Invalid DISCORD_API_BASE: must be an http\(s\) URL/,
    ],
    [
      'FOOTNOTE_STALE_AFTER_DAYS',
      'a year',
      /^Invalid FOOTNOTE_STALE_AFTER_DAYS: must be a whole number of days/,
    ],
    [
      'FOOTNOTE_ANSWER_RETENTION_DAYS',
      '90d',
      /^Invalid FOOTNOTE_ANSWER_RETENTION_DAYS: must be a whole number of days from 0 to 36500, or forever/,
    ],
    ['FOOTNOTE_ANSWER_RETENTION_DAYS', '-1', /^Invalid FOOTNOTE_ANSWER_RETENTION_DAYS: /],
    ['FOOTNOTE_ANSWER_RETENTION_DAYS', '36501', /^Invalid FOOTNOTE_ANSWER_RETENTION_DAYS: /],
    ['LOG_LEVEL', 'loud', /^Invalid LOG_LEVEL: must be one of fatal, error/],
  ])('refuses an invalid %s with one line naming it', (variable, value, message) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value })).toThrow(message);
  });
});
