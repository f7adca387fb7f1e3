import { describe, expect, it } from 'vitest';
import { measureAcknowledgements } from '../../bench/load.ts';
import { BUSY_THRESHOLD } from '../../src/discord/dispatcher.ts';
import { expectClean, useHarness } from '../e2e/harness.ts';

describe('a burst of questions', () => {
  const harness = useHarness();

  it(`is answered directly up to ${BUSY_THRESHOLD} at a time; beyond that, acknowledged first and answered after`, async () => {
    const records = await Promise.all(
      Array.from({ length: BUSY_THRESHOLD + 4 }, (_, index) =>
        harness.fake.sendChatInput({
          name: 'ask',
          options: { question: 'QR codes' },
          member: { username: `burst-${index}` },
        }),
      ),
    );
    for (const record of records) {
      expectClean(record);
      expect(record.reply?.embeds.length).toBeGreaterThan(0);
    }
    const types = records.map((record) => record.callback?.type);
    const direct = types.filter((type) => type === 4).length; // a message
    const deferred = types.filter((type) => type === 5).length; // "thinking…", then the answer
    expect(direct).toBeLessThanOrEqual(BUSY_THRESHOLD);
    expect(deferred).toBe(records.length - direct);
  });
});

describe('load', () => {
  // How many are acknowledged inside Discord's 3 s is a speed figure, which depends on how busy
  // the machine is: `npm run bench` reports it. Here the stand-in waits as long as it takes.
  it('acknowledges 200 /ask sent together, each once and without a refused request', async () => {
    const report = await measureAcknowledgements({ count: 200, deadlineMs: 60_000 });
    expect(report.latency.samples).toBe(200);
    expect(report.violations).toBe(0);
  }, 120_000);
});
