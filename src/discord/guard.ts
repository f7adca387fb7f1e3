import { PermissionFlagsBits, PermissionsBitField } from 'discord.js';
import { PermissionError } from './outcome.ts';

/**
 * Who is asking, as far as a permission decision needs: read from the interaction by
 * `accessRequestOf`, decided by `checkAccess`, so the rule is a pure function with table tests.
 */
export interface AccessRequest {
  /** The server, or null in a DM. */
  guildId: string | null;
  /** The member's permissions in the channel, as Discord sent them; undefined when unknown. */
  permissions: bigint | undefined;
  /** The member's roles: ids always, names where the server's roles are known. */
  roles: ReadonlyArray<{ id: string; name?: string | undefined }>;
}

export interface AccessRule {
  /** The permission that grants access (Manage Server for the moderator commands). */
  permission: bigint;
  /**
   * Roles that grant access too, by id or exact name (`FOOTNOTE_MODERATOR_ROLES`). Ids are safer:
   * anyone who can create roles can create one with a listed name.
   */
  roles?: readonly string[] | undefined;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * The one server-side permission rule for guarded commands, their autocomplete, buttons and
 * modals: the member has `rule.permission`, or one of `rule.roles`. It fails closed: a DM, or a
 * member whose permissions Discord did not send, is refused whatever their roles.
 * Discord's `default_member_permissions` only decides who *sees* a command, and server admins
 * can change it, so this is what actually protects the corpus.
 *
 * @example
 * checkAccess(
 *   { guildId: '1', permissions: 0n, roles: [{ id: '9', name: 'Librarian' }] },
 *   { permission: PermissionFlagsBits.ManageGuild, roles: ['Librarian'] },
 * ); // { allowed: true }
 */
export function checkAccess(request: AccessRequest, rule: AccessRule): AccessDecision {
  const needs = describeRule(rule);
  if (request.guildId === null || request.guildId === '')
    return { allowed: false, reason: `This only works in a server, for members with ${needs}.` };
  const refused = { allowed: false, reason: `You need ${needs} to use this.` } as const;
  if (request.permissions === undefined) return refused;
  // Administrator implies every permission, as in Discord's own checks.
  const administrator = (request.permissions & PermissionFlagsBits.Administrator) !== 0n;
  if (administrator || (request.permissions & rule.permission) === rule.permission)
    return { allowed: true };
  const listed = new Set((rule.roles ?? []).map((role) => role.trim()).filter(Boolean));
  const hasListedRole = request.roles.some(
    (role) => listed.has(role.id) || (role.name !== undefined && listed.has(role.name)),
  );
  return hasListedRole ? { allowed: true } : refused;
}

/** "the Manage Server permission or a moderator role", in words a member understands. */
function describeRule(rule: AccessRule): string {
  const names = new PermissionsBitField(rule.permission)
    .toArray()
    .map((flag) => PERMISSION_NAMES[flag] ?? flag);
  const permission = `the ${names.join(' and ')} permission${names.length > 1 ? 's' : ''}`;
  return (rule.roles ?? []).some((role) => role.trim() !== '')
    ? `${permission} or a moderator role`
    : permission;
}

/** The names Discord's own settings show, for the permissions a guard is likely to need. */
const PERMISSION_NAMES: Partial<Record<string, string>> = {
  ManageGuild: 'Manage Server',
  ManageMessages: 'Manage Messages',
  ManageRoles: 'Manage Roles',
  ManageChannels: 'Manage Channels',
  Administrator: 'Administrator',
  ModerateMembers: 'Timeout Members',
};

/** The interaction surface `accessRequestOf` reads; discord.js interactions all have it. */
export interface AccessSource {
  guildId: string | null;
  memberPermissions: Readonly<PermissionsBitField> | null;
  /**
   * A cached `GuildMember` (roles in `roles.cache`), the raw API member of a server the client
   * has not cached (`roles` is a list of ids), or null in a DM.
   */
  member?: unknown;
  /** The server, when cached: role names come from here. */
  guild?: { roles: { cache: { get(id: string): { name: string } | undefined } } } | null;
}

/**
 * What `checkAccess` needs, read from a discord.js interaction.
 *
 * @example
 * checkAccess(accessRequestOf(interaction), { permission: PermissionFlagsBits.ManageGuild });
 */
export function accessRequestOf(interaction: AccessSource): AccessRequest {
  const roleIds = memberRoleIds(interaction.member);
  return {
    guildId: interaction.guildId ?? null,
    permissions: interaction.memberPermissions?.bitfield,
    roles: roleIds.map((id) => ({ id, name: interaction.guild?.roles.cache.get(id)?.name })),
  };
}

function memberRoleIds(member: unknown): string[] {
  if (typeof member !== 'object' || member === null || !('roles' in member)) return [];
  const roles = member.roles;
  if (Array.isArray(roles)) return roles.filter((id): id is string => typeof id === 'string');
  const cache = (roles as { cache?: { keys(): Iterable<string> } } | null)?.cache;
  return cache ? [...cache.keys()] : [];
}

/**
 * The dispatcher's check for every route of a guarded command (its buttons, forms and
 * autocomplete too): throws a `PermissionError` with the reason, failing closed in DMs and
 * without permissions. A command without `requiredPermission` is open to everyone.
 */
export function requireAccess(
  command: { readonly requiredPermission?: bigint | undefined },
  interaction: AccessSource,
  moderatorRoles: readonly string[] | undefined,
): void {
  const required = command.requiredPermission;
  if (required === undefined) return;
  const decision = checkAccess(accessRequestOf(interaction), {
    permission: required,
    roles: moderatorRoles,
  });
  if (!decision.allowed) throw new PermissionError(decision.reason);
}
