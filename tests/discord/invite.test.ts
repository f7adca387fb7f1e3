import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { BOT_PERMISSIONS, inviteUrl } from '../../src/discord/invite.ts';

describe('inviteUrl', () => {
  it('asks for the bot and its commands, with only Embed Links', () => {
    expect(inviteUrl('123456789012345678')).toBe(
      'https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot%20applications.commands&permissions=16384',
    );
  });

  it('asks for neither Send Messages, View Channel nor Mention Everyone: interaction replies need none', () => {
    for (const flag of [
      PermissionFlagsBits.SendMessages,
      PermissionFlagsBits.ViewChannel,
      PermissionFlagsBits.MentionEveryone,
      PermissionFlagsBits.Administrator,
    ]) {
      expect(BOT_PERMISSIONS.has(flag, false)).toBe(false);
    }
  });
});
