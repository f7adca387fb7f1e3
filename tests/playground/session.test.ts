import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../scripts/playground/session.ts';

let playground: Playground;
const run = async (line: string) => (await playground.run(line)).output;

beforeAll(async () => {
  playground = await startPlayground();
});
afterAll(async () => {
  await playground?.close();
});

describe('the playground against the real bot', () => {
  it('adds a pasted text through the form, confirms it, and cites it', async () => {
    expect(await run('/corpus add-text')).toContain('Fill it in with: submit title: …');
    const preview = await run(
      'submit title: Bread basics text: Sourdough bread needs a starter, flour, water and salt, and a long slow rise.',
    );
    expect(preview).toContain('(only you can see this)');
    expect(preview).toContain('[Confirm] [Edit metadata] [Cancel]');
    expect(await run('press confirm')).toContain('Added “Bread basics”');
    expect(await run('/ask question: What does sourdough bread need?')).toContain('│ Bread basics');
  });

  it('completes a document title with the ids the bot suggests, as a pick in Discord sends them', async () => {
    const completions = await playground.complete('/source document: moscow');
    expect(completions).toContain('/source document: bashkortostan-covid-passports');
  });

  it('completes command names', async () => {
    expect(await playground.complete('/so')).toEqual(['/source ']);
  });

  it('refuses /corpus to a member, as Discord’s client would not even offer it', async () => {
    expect(await run('as member')).toBe('You are now @member.');
    expect(await run('/corpus list')).toMatch(/^Discord would not send that: .*\/corpus/u);
    await run('as moderator');
  });

  it('names the buttons on screen when none has the label typed', async () => {
    expect(await run('press Publish')).toMatch(/^No button "Publish"\. Buttons on screen: .*👍/u);
  });
});
