import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { accessRequestOf, checkAccess, type AccessRequest } from '../../src/discord/guard.ts';

const { ManageGuild, ManageMessages, SendMessages, Administrator } = PermissionFlagsBits;
const rule = { permission: ManageGuild, roles: ['111111111111111111', 'Librarian'] };
const librarian = { id: '222222222222222222', name: 'Librarian' };
const inServer = (permissions: bigint | undefined, roles: AccessRequest['roles'] = []) => ({
  guildId: '900000000000000000',
  permissions,
  roles,
});

describe('checkAccess: Manage Server, or a role in FOOTNOTE_MODERATOR_ROLES; fails closed', () => {
  it.each<[string, AccessRequest, boolean]>([
    ['Manage Server', inServer(ManageGuild | SendMessages), true],
    ['Administrator (implies every permission)', inServer(Administrator), true],
    ['a role listed by id', inServer(SendMessages, [{ id: '111111111111111111' }]), true],
    ['a role listed by exact name', inServer(SendMessages, [librarian]), true],
    ['a role whose name differs in case', inServer(0n, [{ id: '3', name: 'librarian' }]), false],
    ['a plain member', inServer(SendMessages), false],
    ['another moderation permission only', inServer(ManageMessages), false],
    ['a DM', { guildId: null, permissions: ManageGuild, roles: [] }, false],
    ['unknown permissions, even with a listed role', inServer(undefined, [librarian]), false],
  ])('%s → %s', (_, request, allowed) => {
    expect(checkAccess(request, rule).allowed).toBe(allowed);
  });

  it('says what is needed, in the words Discord shows', () => {
    expect(checkAccess(inServer(SendMessages), { permission: ManageGuild })).toEqual({
      allowed: false,
      reason: 'You need the Manage Server permission to use this.',
    });
    expect(checkAccess(inServer(SendMessages), rule)).toEqual({
      allowed: false,
      reason: 'You need the Manage Server permission or a moderator role to use this.',
    });
    expect(checkAccess({ guildId: null, permissions: undefined, roles: [] }, rule)).toEqual({
      allowed: false,
      reason:
        'This only works in a server, for members with the Manage Server permission or a moderator role.',
    });
  });

  it('lets no role through when none is configured', () => {
    expect(checkAccess(inServer(0n, [librarian]), { permission: ManageGuild, roles: [] })).toEqual(
      expect.objectContaining({ allowed: false }),
    );
  });
});

describe('accessRequestOf', () => {
  const permissions = new PermissionsBitField(SendMessages);

  it('reads a cached member: role ids from its cache, names from the server', () => {
    const names = new Map([[librarian.id, { name: librarian.name }]]);
    const request = accessRequestOf({
      guildId: '900000000000000000',
      memberPermissions: permissions,
      member: { roles: { cache: new Map([[librarian.id, {}]]) } },
      guild: { roles: { cache: names } },
    });
    expect(request).toEqual({
      guildId: '900000000000000000',
      permissions: SendMessages,
      roles: [librarian],
    });
  });

  it("reads an uncached server's raw member: role ids only", () => {
    const request = accessRequestOf({
      guildId: '900000000000000000',
      memberPermissions: permissions,
      member: { roles: ['111111111111111111'] },
      guild: null,
    });
    expect(request.roles).toEqual([{ id: '111111111111111111', name: undefined }]);
    expect(checkAccess(request, rule).allowed).toBe(true);
  });

  it('reads a DM as no server, no permissions and no roles', () => {
    expect(accessRequestOf({ guildId: null, memberPermissions: null, member: null })).toEqual({
      guildId: null,
      permissions: undefined,
      roles: [],
    });
  });
});

describe('FOOTNOTE_MODERATOR_ROLES', () => {
  it.each([
    [undefined, []],
    ['', []],
    [' 111111111111111111 , Librarian ,, ', ['111111111111111111', 'Librarian']],
  ])('parses %j as %j', (value, roles) => {
    expect(parseConfig({ FOOTNOTE_MODERATOR_ROLES: value }).FOOTNOTE_MODERATOR_ROLES).toEqual(
      roles,
    );
  });

  it('refuses a role longer than Discord allows, naming the variable', () => {
    expect(() => parseConfig({ FOOTNOTE_MODERATOR_ROLES: 'x'.repeat(101) })).toThrow(
      /^Invalid FOOTNOTE_MODERATOR_ROLES: each role must be/u,
    );
  });
});
