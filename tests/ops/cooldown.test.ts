import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { askCooldowns, cooldownNotice, SlidingWindowLimiter } from '../../src/discord/cooldown.ts';
import { buttonStartingWith, expectClean, useHarness } from '../e2e/harness.ts';

describe('SlidingWindowLimiter', () => {
  const rate = { limit: 3, windowMs: 30_000 };

  it('admits a burst of `limit` uses', () => {
    const limiter = new SlidingWindowLimiter(rate);
    expect([0, 1, 2].map((at) => limiter.admit('ana', at).allowed)).toEqual([true, true, true]);
  });

  it('then refuses until the oldest use is a window old', () => {
    const limiter = new SlidingWindowLimiter(rate);
    for (const at of [0, 1_000, 2_000]) limiter.admit('ana', at);
    expect(limiter.admit('ana', 29_999)).toEqual({ allowed: false, retryAt: 30_000 });
    expect(limiter.admit('ana', 30_000)).toEqual({ allowed: true });
  });

  it('does not count refused attempts: hammering does not push the time back', () => {
    const limiter = new SlidingWindowLimiter(rate);
    for (const at of [0, 1_000, 2_000]) limiter.admit('ana', at);
    for (const at of [3_000, 4_000, 5_000]) limiter.admit('ana', at);
    expect(limiter.admit('ana', 6_000)).toEqual({ allowed: false, retryAt: 30_000 });
  });

  it('keeps members apart', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 30_000 });
    limiter.admit('ana', 0);
    expect(limiter.admit('ben', 0)).toEqual({ allowed: true });
  });

  it('forgets members idle for a whole window, so memory stays bounded', () => {
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000 });
    for (let user = 0; user < 999; user += 1) limiter.admit(`user-${user}`, 0);
    expect(limiter.size).toBe(999);
    limiter.admit('late', 5_000); // the 1000th admission sweeps
    expect(limiter.size).toBe(1);
  });
});

describe('cooldownNotice', () => {
  it.each([
    ['ask', 1_700_000_012_000, "You're asking quickly: you can /ask again <t:1700000012:R>."],
    // Rounded up: Discord must never show "now" before the limiter agrees.
    ['ask', 1_700_000_012_001, "You're asking quickly: you can /ask again <t:1700000013:R>."],
    [
      'ask:page',
      1_700_000_012_000,
      "You're asking quickly: you can use this button again <t:1700000012:R>.",
    ],
  ])('%s, retry at %d → %s', (route, retryAt, notice) => {
    expect(cooldownNotice(route, retryAt)).toBe(notice);
  });
});

describe('askCooldowns', () => {
  it('limits /ask as configured and its More sources button four times as loosely', () => {
    const cooldowns = askCooldowns({ limit: 3, windowSeconds: 30 });
    expect(cooldowns.get('ask')?.rate).toEqual({ limit: 3, windowMs: 30_000 });
    expect(cooldowns.get('ask:page')?.rate).toEqual({ limit: 12, windowMs: 30_000 });
  });

  it('is off with a window of 0 seconds', () => {
    expect(askCooldowns({ limit: 3, windowSeconds: 0 }).size).toBe(0);
  });
});

describe('the /ask cooldown in Discord', () => {
  const MANY_SOURCES = 'QR codes';
  const harness = useHarness({
    env: { FOOTNOTE_ASK_LIMIT: '2', FOOTNOTE_ASK_COOLDOWN_SECONDS: '60' },
  });

  const ask = (member: string) =>
    harness.fake.sendChatInput({ name: 'ask', options: { question: MANY_SOURCES }, member });

  it('answers a member privately, with when to try again, once they asked too often', async () => {
    const first = await ask('member');
    await ask('member');
    const third = await ask('member');
    expectClean(third);
    expect(third.ephemeral).toBe(true);
    expect(third.reply?.embeds).toEqual([]);
    const match = /^You're asking quickly: you can \/ask again <t:(\d+):R>\.$/u.exec(
      third.reply?.content ?? '',
    );
    expect(match).not.toBeNull();
    // A window after the first question, which the fake dispatched just before it was handled.
    const retryAt = Number(match![1]) * 1000;
    expect(retryAt).toBeGreaterThanOrEqual(first.dispatchedAt + 60_000);
    expect(retryAt).toBeLessThanOrEqual(third.dispatchedAt + 60_000 + 1_000);
  });

  it('does not hold back other members', async () => {
    const rec = await ask('moderator');
    expectClean(rec);
    expect(rec.reply?.embeds.length).toBeGreaterThan(0);
  });

  it('leaves the More sources button working for a member whose /ask is cooling down', async () => {
    const answer = harness.fake.interactions.values().next().value!;
    const page = await harness.fake.sendButton(buttonStartingWith(answer.reply, 'ask:page:2'), {
      message: answer.reply!,
      member: 'member',
    });
    expectClean(page);
    expect((page.reply?.flags ?? 0) & MessageFlags.Ephemeral).toBe(0);
    expect(page.reply?.embeds[0].footer.text).toMatch(/^Source 4 of/u);
  });
});
