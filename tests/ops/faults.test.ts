import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectClean, useHarness } from '../e2e/harness.ts';
import { EVENTUALLY } from '../deadlines.ts';

const PASSPORTS = 'Which Russian region first introduced Covid-19 passports?';

const harness = useHarness({ env: { LOG_LEVEL: 'info' } });

afterEach(() => {
  harness.fake.clearRestFaults();
});

/** The log lines written since `from`, parsed. */
function logsSince(from: number): Array<Record<string, unknown>> {
  return harness.logs.slice(from).map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function expectAnswered(question = PASSPORTS): Promise<void> {
  const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question } });
  expectClean(rec);
  expect(rec.reply?.embeds[0].title).toContain('Covid-19');
}

describe('REST faults on replies', () => {
  it('a 500 on the reply is retried: the answer still arrives in time', async () => {
    harness.fake.injectRestFaults([{ route: /\/callback$/u, status: 500 }]);
    const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    expectClean(rec);
    expect(rec.reply?.embeds[0].title).toContain('Covid-19');
    expect(harness.fake.faultsServed.at(-1)).toMatchObject({ status: 500 });
  });

  it('a 429 with retry_after is waited out, logged, and the answer still arrives in time', async () => {
    const from = harness.logs.length;
    harness.fake.injectRestFaults([{ route: /\/callback$/u, status: 429, retryAfter: 0.2 }]);
    const rec = await harness.fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    expectClean(rec);
    expect(rec.reply?.embeds[0].title).toContain('Covid-19');
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'rate limited by Discord; waiting' }),
    );
  });

  it('when Discord keeps failing, the failure is logged, not lost', async () => {
    const from = harness.logs.length;
    // More 500s than discord.js retries (3), for the answer and for the error line after it.
    harness.fake.injectRestFaults([{ route: /\/callback$/u, status: 500, times: 8 }]);
    // Not awaited: the user never gets an answer, so the fake would wait out the 3 s.
    void harness.fake.sendChatInput({ name: 'ask', options: { question: PASSPORTS } });
    await vi.waitFor(
      () =>
        expect(logsSince(from)).toContainEqual(
          expect.objectContaining({ msg: 'interaction', command: 'ask', outcome: 'error' }),
        ),
      EVENTUALLY,
    );
    expect(logsSince(from)).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'command failed', command: 'ask' }),
    );
    expect(harness.fake.faultsServed.filter((fault) => fault.status === 500)).toHaveLength(9);
  });

  it('keeps serving after Discord recovers', async () => {
    await expectAnswered();
  });

  it('a reply that fails once and then succeeds is not reported as an error', async () => {
    const from = harness.logs.length;
    harness.fake.injectRestFaults([{ route: /\/callback$/u, status: 502 }]);
    await expectAnswered();
    expect(logsSince(from).filter((line) => line['level'] === 50)).toEqual([]);
  });
});

describe('gateway connection closed by Discord', () => {
  it('resumes the session after close code 4000 and answers again', async () => {
    const resumes = harness.fake.resumes.length;
    const reconnected = harness.fake.waitForReconnect();
    expect(await harness.fake.dropGatewayConnections({ code: 4000 })).toBe(1);
    await reconnected;
    expect(harness.fake.resumes).toHaveLength(resumes + 1);
    await expectAnswered();
  });

  it('identifies again after close code 1000 and answers again', async () => {
    const identifies = harness.fake.identifies.length;
    const reconnected = harness.fake.waitForReconnect();
    await harness.fake.dropGatewayConnections({ code: 1000 });
    await reconnected;
    expect(harness.fake.identifies).toHaveLength(identifies + 1);
    await expectAnswered();
  });

  it('reconnects after the TCP connection drops without a close frame', async () => {
    const reconnected = harness.fake.waitForReconnect();
    await harness.fake.dropGatewayConnections({ terminate: true });
    await reconnected;
    await expectAnswered();
  });
});
