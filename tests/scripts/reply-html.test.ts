import { describe, expect, it } from 'vitest';
import { markdownToHtml, replyHtml } from '../../scripts/reply-html.ts';

describe('markdownToHtml', () => {
  it('bolds, links and breaks lines as Discord does', () => {
    expect(
      markdownToHtml(
        '**Q:** Who?\n[Open at this passage](https://example.org/a#:~:text=x,y) · passage 1 of 5',
      ),
    ).toBe(
      '<strong>Q:</strong> Who?<br><a href="https://example.org/a#:~:text=x,y">Open at this passage</a> · passage 1 of 5',
    );
  });

  it('keeps escaped markdown as the literal characters', () => {
    expect(markdownToHtml('5 \\* 3 is **not** \\*\\*bold\\*\\*')).toBe(
      '5 * 3 is <strong>not</strong> **bold**',
    );
  });

  it('escapes HTML in the text, so corpus text cannot inject markup', () => {
    expect(markdownToHtml('<script>alert(1)</script> & "quotes"')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;',
    );
  });

  it('renders a block quote line', () => {
    expect(markdownToHtml('> quoted\nafter')).toBe('<blockquote>quoted</blockquote>after');
  });
});

describe('replyHtml', () => {
  it('shows the command, the content, the embed with its colour and title link, and the buttons', () => {
    const html = replyHtml(
      {
        content: '**Q:** Which region?',
        embeds: [
          {
            title: 'Russian Region',
            url: 'https://example.org/a',
            color: 0x3b6ea5,
            footer: { text: 'Source 1 of 1' },
          },
        ],
        components: [
          { type: 1, components: [{ type: 2, style: 2, label: '👍', custom_id: 'ask:vote:up' }] },
        ],
      },
      { botName: 'Footnote', userName: 'moderator', command: '/ask', time: 'Today at 12:00' },
    );
    expect(html).toContain('<b>moderator</b>&nbsp;used <span class="command">/ask</span>');
    expect(html).toContain('<div class="content"><strong>Q:</strong> Which region?</div>');
    expect(html).toContain('border-left-color:#3b6ea5');
    expect(html).toContain('<a href="https://example.org/a">Russian Region</a>');
    expect(html).toContain('<div class="footer">Source 1 of 1</div>');
    expect(html).toContain('<span class="button secondary">👍</span>');
  });
});
