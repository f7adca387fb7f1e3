import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

describe('operations settings', () => {
  it('default to: no HTTP server, this machine only when there is one, 3 /ask per 30 s, one process', () => {
    const config = parseConfig({});
    expect(config.FOOTNOTE_HTTP_PORT).toBeUndefined();
    expect(config.FOOTNOTE_SHARDS).toBeUndefined();
    expect(config).toMatchObject({
      FOOTNOTE_HTTP_HOST: '127.0.0.1',
      FOOTNOTE_ASK_LIMIT: 3,
      FOOTNOTE_ASK_COOLDOWN_SECONDS: 30,
    });
  });

  it('treat empty values as unset, as a blank line in .env leaves them', () => {
    const config = parseConfig({
      FOOTNOTE_HTTP_PORT: '',
      FOOTNOTE_ASK_LIMIT: ' ',
      FOOTNOTE_SHARDS: '',
    });
    expect(config.FOOTNOTE_HTTP_PORT).toBeUndefined();
    expect(config.FOOTNOTE_SHARDS).toBeUndefined();
    expect(config.FOOTNOTE_ASK_LIMIT).toBe(3);
  });

  it.each([
    ['FOOTNOTE_HTTP_PORT', '8080', 8080],
    ['FOOTNOTE_HTTP_PORT', '0', 0],
    ['FOOTNOTE_ASK_COOLDOWN_SECONDS', '0', 0],
    ['FOOTNOTE_SHARDS', 'auto', 'auto'],
    ['FOOTNOTE_SHARDS', 'AUTO', 'auto'],
    ['FOOTNOTE_SHARDS', '4', 4],
  ])('read %s=%s as %o', (variable, value, parsed) => {
    expect(parseConfig({ [variable]: value })[variable as 'FOOTNOTE_SHARDS']).toBe(parsed);
  });

  it.each([
    ['FOOTNOTE_HTTP_PORT', '65536', 'must be a port number from 0 to 65535'],
    ['FOOTNOTE_HTTP_PORT', 'http', 'must be a port number from 0 to 65535'],
    ['FOOTNOTE_ASK_LIMIT', '0', 'must be a whole number from 1 to 1000'],
    ['FOOTNOTE_ASK_LIMIT', '2.5', 'must be a whole number from 1 to 1000'],
    ['FOOTNOTE_ASK_COOLDOWN_SECONDS', '-1', 'must be a whole number of seconds from 0 to 86400'],
    ['FOOTNOTE_SHARDS', '0', 'must be auto or a number of shards from 1 to 10000'],
    ['FOOTNOTE_SHARDS', 'many', 'must be auto or a number of shards from 1 to 10000'],
  ])('refuse %s=%s with one line naming it', (variable, value, message) => {
    expect(() => parseConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [variable]: value })).toThrow(`Invalid ${variable}: ${message}.`);
  });
});
