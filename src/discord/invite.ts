import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * The permissions Footnote asks for when invited: Embed Links, nothing else.
 *
 * - Every message it sends is an interaction response or follow-up. Those go through the
 *   interaction's webhook, not the channel, so neither View Channel nor Send Messages (nor Read
 *   Message History) is needed, and it reads no messages (Guilds intent only).
 * - Citations are embeds. For an app whose bot is in the server, Discord computes what a
 *   response may contain from the bot's own permissions in the channel (`app_permissions`), so
 *   a channel that denies Embed Links to @everyone would otherwise strip the citations.
 * - No Mention Everyone: it never pings a role or @everyone (`allowedMentions` parses nothing).
 */
export const BOT_PERMISSIONS = new PermissionsBitField([PermissionFlagsBits.EmbedLinks]);

/**
 * The link that adds Footnote to a server with its slash commands and exactly `BOT_PERMISSIONS`.
 *
 * @example
 * inviteUrl('123456789012345678');
 * // "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot%20applications.commands&permissions=16384"
 */
export function inviteUrl(applicationId: string): string {
  const scope = [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join('%20');
  return `https://discord.com/oauth2/authorize?client_id=${encodeURIComponent(applicationId)}&scope=${scope}&permissions=${BOT_PERMISSIONS.bitfield}`;
}
