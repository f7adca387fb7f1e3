import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, formatLogLine } from '../../src/logger.ts';

/** 28 November 2026, 04:04:05 UTC, as the local clock shows it. */
const TIME = Date.UTC(2026, 10, 28, 4, 4, 5);
const CLOCK = new Date(TIME).toTimeString().slice(0, 8);

describe('log lines on a terminal', () => {
  it('read as time, level, message, then the fields', () => {
    const line = JSON.stringify({
      level: 30,
      time: TIME,
      pid: 7,
      hostname: 'box',
      msg: 'ready',
      shard: 0,
      invite: 'https://discord.com/oauth2/authorize?client_id=1',
    });
    expect(formatLogLine(`${line}\n`)).toBe(
      `${CLOCK} INFO  ready shard=0 invite=https://discord.com/oauth2/authorize?client_id=1\n`,
    );
  });

  it('quote text with spaces and show an error by its message, without the stack', () => {
    const line = JSON.stringify({
      level: 50,
      time: TIME,
      msg: 'stop failed',
      reason: 'the disk is full',
      err: { type: 'Error', message: 'ENOSPC', stack: 'Error: ENOSPC\n    at x (y.js:1:1)' },
    });
    expect(formatLogLine(line)).toBe(
      `${CLOCK} ERROR stop failed reason="the disk is full" err="ENOSPC"\n`,
    );
  });

  it('pass anything that is not JSON through', () => {
    expect(formatLogLine('plain text\n')).toBe('plain text\n');
  });
});

describe('createLogger without a destination', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    // Back to what vitest's worker has: no isTTY of its own.
    Reflect.deleteProperty(process.stdout, 'isTTY');
  });

  /** What the logger writes to stdout when stdout is (or is not) a terminal. */
  function written(isTTY: boolean): string {
    Object.defineProperty(process.stdout, 'isTTY', { value: isTTY, configurable: true });
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += chunk.toString();
      return true;
    });
    const logger = createLogger('info', undefined, { secrets: ['a-secret-token-value'] });
    logger.info({ token: 'a-secret-token-value', note: 'a-secret-token-value' }, 'ready');
    logger.flush();
    return out;
  }

  it('writes readable lines, secrets still censored, on a terminal', () => {
    expect(written(true)).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}ready token=\[redacted\] note=\[redacted\]\n$/u,
    );
  });

  it('writes JSON lines when stdout is a pipe or a file', () => {
    expect(JSON.parse(written(false))).toMatchObject({ msg: 'ready', note: '[redacted]' });
  });
});
