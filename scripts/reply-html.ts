/**
 * A message the bot sent, as Discord's dark theme shows it, in one self-contained HTML page:
 * the bot's name and the command it answered, the content, each embed (colour bar, author
 * line, linked title, description, fields, footer) and the buttons. Pure, for
 * `scripts/render-reply.ts`, which screenshots it to the README's picture.
 */
import type { ComponentView, EmbedView } from './playground/render.ts';

export interface ReplyMessage {
  content?: string;
  embeds?: (EmbedView & { color?: number })[];
  components?: ComponentView[];
}

export interface ReplyContext {
  botName: string;
  /** Who ran the command, shown above the reply as Discord does. */
  userName: string;
  /** e.g. `/ask`. */
  command: string;
  /** The time shown next to the bot's name, e.g. `Today at 14:02`. */
  time: string;
}

const LINK_STYLE = 5;
/** Discord's button styles: primary, secondary, success, danger, link. */
const BUTTON_CLASS: Record<number, string> = {
  1: 'primary',
  2: 'secondary',
  3: 'success',
  4: 'danger',
  5: 'secondary',
};

/**
 * Discord markdown → HTML, for the parts the bot uses: escapes (`\*`), **bold**, *italic*,
 * `code`, [masked links](url) and <url>, block quotes and line breaks. Everything else is text.
 *
 * @example
 * markdownToHtml('**Q:** 5 < 6'); // '<strong>Q:</strong> 5 &lt; 6'
 */
export function markdownToHtml(markdown: string): string {
  const escapes: string[] = [];
  // Backslash escapes first, so an escaped asterisk is never read as emphasis.
  const text = markdown.replace(/\\([\\`*_~|>[\]()<#-])/gu, (_, character: string) => {
    escapes.push(character);
    return `\u0000${escapes.length - 1}\u0000`;
  });
  const inline = (line: string) =>
    escapeHtml(line)
      .replace(/`([^`]+)`/gu, '<code>$1</code>')
      .replace(
        /\[([^\]]+)\]\((?:&lt;)?(https?:\/\/[^\s)]+?)(?:&gt;)?\)/gu,
        (_, label: string, url: string) => `<a href="${url}">${label}</a>`,
      )
      .replace(/&lt;(https?:\/\/[^\s]+?)&gt;/gu, '<a href="$1">$1</a>')
      .replace(/\*\*(.+?)\*\*/gu, '<strong>$1</strong>')
      .replace(/\*(.+?)\*/gu, '<em>$1</em>');
  const lines = text.split('\n').map((line) => {
    const quote = /^> (.*)$/u.exec(line);
    return quote ? `<blockquote>${inline(quote[1]!)}</blockquote>` : inline(line);
  });
  return (
    lines
      .join('<br>')
      .replace(/<\/blockquote><br>/gu, '</blockquote>')
      // eslint-disable-next-line no-control-regex -- NUL marks the placeholders this function inserted
      .replace(/\u0000(\d+)\u0000/gu, (_, index: string) => escapeHtml(escapes[Number(index)]!))
  );
}

/**
 * The whole page for one message.
 *
 * @example
 * replyHtml(record.reply, { botName: 'Footnote', userName: 'moderator', command: '/ask', time: 'Today at 14:02' });
 */
export function replyHtml(message: ReplyMessage, context: ReplyContext): string {
  const embeds = (message.embeds ?? []).map(embedHtml).join('');
  const rows = (message.components ?? [])
    .map((row) => `<div class="row">${(row.components ?? []).map(buttonHtml).join('')}</div>`)
    .join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><style>${STYLE}</style></head>
<body><main class="message">
  <div class="reference"><span class="curve"></span><span class="avatar small"></span>
    <b>${escapeHtml(context.userName)}</b>&nbsp;used <span class="command">${escapeHtml(context.command)}</span></div>
  <div class="avatar">${escapeHtml(context.botName.slice(0, 1))}</div>
  <div class="body">
    <div class="header"><b class="name">${escapeHtml(context.botName)}</b><span class="tag">APP</span>
      <span class="time">${escapeHtml(context.time)}</span></div>
    ${message.content ? `<div class="content">${markdownToHtml(message.content)}</div>` : ''}
    ${embeds}${rows}
  </div>
</main></body></html>
`;
}

function embedHtml(embed: EmbedView & { color?: number }): string {
  const color = `#${(embed.color ?? 0x1e1f22).toString(16).padStart(6, '0')}`;
  const title = embed.title
    ? `<div class="title">${
        embed.url
          ? `<a href="${escapeHtml(embed.url)}">${markdownToHtml(embed.title)}</a>`
          : markdownToHtml(embed.title)
      }</div>`
    : '';
  const fields = (embed.fields ?? [])
    .map(
      (field) =>
        `<div class="field${field.inline ? ' inline' : ''}"><div class="field-name">${markdownToHtml(field.name)}</div><div>${markdownToHtml(field.value)}</div></div>`,
    )
    .join('');
  return `<div class="embed" style="border-left-color:${color}">
    ${embed.author?.name ? `<div class="author">${escapeHtml(embed.author.name)}</div>` : ''}
    ${title}
    ${embed.description ? `<div class="description">${markdownToHtml(embed.description)}</div>` : ''}
    ${fields ? `<div class="fields">${fields}</div>` : ''}
    ${embed.footer?.text ? `<div class="footer">${escapeHtml(embed.footer.text)}</div>` : ''}
  </div>`;
}

function buttonHtml(button: ComponentView): string {
  const label = [button.emoji?.name, button.label].filter(Boolean).join(' ');
  const kind = BUTTON_CLASS[button.style ?? 2] ?? 'secondary';
  const link = button.style === LINK_STYLE ? ' ↗' : '';
  return `<span class="button ${kind}${button.disabled ? ' disabled' : ''}">${escapeHtml(label)}${link}</span>`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/"/gu, '&quot;');
}

/** Discord's dark theme, approximately: its colours, sizes and spacing. */
const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; background: #313338; color: #dbdee1; width: 620px;
    font: 16px/1.375 "Liberation Sans", "DejaVu Sans", Arial, sans-serif, "Noto Color Emoji"; }
  .message { display: grid; grid-template-columns: 40px 1fr; column-gap: 16px; padding: 16px 16px 20px 16px; }
  .reference { grid-column: 1 / 3; display: flex; align-items: center; gap: 4px; font-size: 14px;
    color: #b5bac1; margin: 0 0 4px 20px; }
  .reference b { color: #dbdee1; font-weight: 600; }
  .curve { width: 30px; height: 10px; border-left: 2px solid #4e5058; border-top: 2px solid #4e5058;
    border-top-left-radius: 6px; margin: 6px 4px 0 0; }
  .command { color: #00a8fc; }
  .avatar { width: 40px; height: 40px; border-radius: 50%; background: #3b6ea5; color: #fff;
    display: flex; align-items: center; justify-content: center; font-weight: 700; font-size: 18px; }
  .avatar.small { width: 16px; height: 16px; background: #5865f2; }
  .header { display: flex; align-items: baseline; gap: 6px; }
  .name { color: #f2f3f5; font-weight: 600; }
  .tag { background: #5865f2; color: #fff; font-size: 10px; font-weight: 700; padding: 1px 4px;
    border-radius: 3px; position: relative; top: -2px; }
  .time { color: #949ba4; font-size: 12px; }
  .content { margin-top: 2px; }
  .embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; padding: 8px 16px 16px 12px;
    margin-top: 8px; max-width: 520px; font-size: 14px; line-height: 1.375; }
  .author { color: #f2f3f5; font-weight: 600; font-size: 14px; margin-top: 8px; }
  .title { font-weight: 600; font-size: 16px; margin-top: 8px; }
  .title a { color: #00a8fc; }
  .description { margin-top: 8px; white-space: normal; }
  .fields { display: flex; flex-wrap: wrap; gap: 8px 16px; margin-top: 8px; }
  .field { flex: 1 0 100%; }
  .field.inline { flex: 1 0 28%; }
  .field-name { font-weight: 600; color: #f2f3f5; margin-bottom: 2px; }
  .footer { color: #b5bac1; font-size: 12px; margin-top: 8px; }
  a { color: #00a8fc; text-decoration: none; }
  strong { color: #f2f3f5; font-weight: 700; }
  code { background: #1e1f22; border-radius: 4px; padding: 0 3px; font-size: 85%;
    font-family: "DejaVu Sans Mono", monospace; }
  blockquote { margin: 0; padding-left: 12px; border-left: 4px solid #4e5058; }
  .row { display: flex; gap: 8px; margin-top: 8px; }
  .button { height: 32px; padding: 2px 16px; border-radius: 8px; font-size: 14px; font-weight: 500;
    display: inline-flex; align-items: center; color: #fff; }
  .secondary { background: #4e5058; }
  .primary { background: #5865f2; }
  .success { background: #248046; }
  .danger { background: #da373c; }
  .disabled { opacity: 0.5; }
`;
