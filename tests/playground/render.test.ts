import { describe, expect, it } from 'vitest';
import {
  formFields,
  renderInteraction,
  type InteractionView,
  type MessageView,
} from '../../scripts/playground/render.ts';

const EPHEMERAL = 64;
const NOBODY = { users: [], roles: [], everyone: false };

function reply(message: MessageView, overrides: Partial<InteractionView> = {}): InteractionView {
  return {
    callback: { type: 4, latencyMs: 42.4 },
    messages: [{ pings: NOBODY, ...message }],
    choices: null,
    modal: null,
    violations: [],
    timedOut: false,
    ...overrides,
  };
}

const button = (label: string, customId: string, extra = {}) => ({
  type: 2,
  style: 2,
  label,
  custom_id: customId,
  ...extra,
});

describe('renderInteraction', () => {
  it('shows the content, each embed part and the buttons by label', () => {
    const text = renderInteraction(
      reply({
        content: '**Q:** Which region?',
        embeds: [
          {
            title: 'Russian Region Becomes First',
            url: 'https://example.org/a',
            author: { name: 'The Moscow Times · 21 January 2021' },
            description: '“Bashkortostan will introduce…”',
            fields: [{ name: 'Author', value: 'Leyla Latypova' }],
            footer: { text: 'Source 1 of 4' },
          },
        ],
        components: [
          {
            type: 1,
            components: [button('More sources', 'ask:page:2'), button('👍', 'ask:vote:up')],
          },
        ],
      }),
    );
    expect(text.split('\n')).toEqual([
      'Footnote replied in 42 ms',
      '**Q:** Which region?',
      '│ Russian Region Becomes First',
      '│ https://example.org/a',
      '│ The Moscow Times · 21 January 2021',
      '│ “Bashkortostan will introduce…”',
      '│ Author',
      '│   Leyla Latypova',
      '│ Source 1 of 4',
      '[More sources] [👍]',
    ]);
  });

  it('says when only the asker sees the reply', () => {
    expect(
      renderInteraction(reply({ content: 'Please type a question.', flags: EPHEMERAL })),
    ).toContain('(only you can see this)\nPlease type a question.');
  });

  it('shows a link button with its address and a disabled one as off', () => {
    const text = renderInteraction(
      reply({
        content: 'x',
        components: [
          {
            type: 1,
            components: [
              { type: 2, style: 5, label: 'Open', url: 'https://example.org' },
              button('Confirm', 'corpus:confirm', { disabled: true }),
            ],
          },
        ],
      }),
    );
    expect(text).toContain('[Open ↗ https://example.org] [Confirm (off)]');
  });

  it('names who a message would notify, and shows mentions as names', () => {
    const text = renderInteraction(
      reply({ content: 'For <@111>:', pings: { users: ['111'], roles: [], everyone: false } }),
      undefined,
      (id) => (id === '111' ? 'member' : id),
    );
    expect(text).toContain('For @member:');
    expect(text).toContain('🔔 notifies @member');
  });

  it('reports what Discord would have refused', () => {
    const text = renderInteraction(
      reply(
        { content: 'x' },
        {
          violations: [
            {
              code: 50035,
              message: 'Invalid Form Body',
              flat: [
                {
                  path: 'data.content',
                  code: 'BASE_TYPE_MAX_LENGTH',
                  message: 'Must be 2000 or fewer in length.',
                },
              ],
            },
          ],
        },
      ),
    );
    expect(text).toContain(
      '⚠ Discord would refuse this: 50035 Invalid Form Body; data.content: Must be 2000 or fewer in length.',
    );
  });

  it('says when the bot did not answer at all', () => {
    expect(renderInteraction({ ...reply({}), callback: null, messages: [] })).toContain(
      'The bot did not answer',
    );
  });

  it('shows a button press that edited the message as an update', () => {
    expect(
      renderInteraction(reply({ content: 'x' }, { callback: { type: 7, latencyMs: 3 } })),
    ).toMatch(/^Footnote updated the message in 3 ms/u);
  });

  it('lists autocomplete suggestions with the value a pick sends', () => {
    const text = renderInteraction(
      reply(
        {},
        {
          messages: [],
          callback: { type: 8, latencyMs: 1 },
          choices: [{ name: 'Russian Region (2021)', value: 'bashkortostan' }],
        },
      ),
    );
    expect(text).toBe('Russian Region (2021) → bashkortostan');
  });

  it('shows a form with the submit line that fills it in', () => {
    const modal = {
      custom_id: 'corpus:text',
      title: 'Add pasted text',
      components: [
        { type: 18, label: 'Title', component: { type: 4, custom_id: 'title' } },
        { type: 18, label: 'Author', component: { type: 4, custom_id: 'author', required: false } },
      ],
    };
    expect(formFields(modal)).toEqual(['title', 'author']);
    expect(
      renderInteraction(
        reply({}, { callback: { type: 9, latencyMs: 2 }, messages: [], modal }),
      ).split('\n'),
    ).toEqual([
      'Footnote opened a form: Add pasted text',
      '  title: Title',
      '  author: Author (optional)',
      'Fill it in with: submit title: … author: …',
    ]);
  });
});
