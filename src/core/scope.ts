/**
 * Which documents: the one type for it, from the store to the renderers.
 *
 * - `global`: the documents every server sees (shipped with Footnote, or added by the operator
 *   for everyone). Reading in global scope sees only these: the command line without `--guild`,
 *   and a DM, which belongs to no server.
 * - `guild`: one Discord server's. Reading in a server's scope sees that server's documents and
 *   the global ones; writing in it adds a document only that server sees.
 *
 * Fails closed: a server scope is made only from a real server id (`guildScope` throws on a DM's
 * null), so a missing id can never widen a write to every server; global is only ever asked
 * for by name (`GLOBAL_SCOPE`), which only the operator's command line does for writes.
 *
 * @example
 * const here = guildScope(interaction.guildId); // throws in a DM
 * corpus.ask('Who introduced QR codes?', { scope: here });
 * await corpus.list(GLOBAL_SCOPE); // the operator's documents for every server
 */
export type Scope = GlobalScope | GuildScope;

export interface GlobalScope {
  readonly kind: 'global';
}

export interface GuildScope {
  readonly kind: 'guild';
  /** A Discord server id (a snowflake); never empty. */
  readonly guildId: string;
}

/** The documents every server sees. */
export const GLOBAL_SCOPE: GlobalScope = Object.freeze({ kind: 'global' });

/**
 * One server's scope. A missing or empty id (discord.js gives null in a DM) throws rather than
 * falling back to global: that would show a server's document to everyone.
 *
 * @example
 * guildScope('41771983423143937'); // { kind: 'guild', guildId: '41771983423143937' }
 * guildScope(null); // throws
 */
export function guildScope(guildId: string | null | undefined): GuildScope {
  if (typeof guildId !== 'string' || guildId === '')
    throw new Error('A server scope needs a server id; global must be asked for by name');
  return { kind: 'guild', guildId };
}

/**
 * The scope a value claims to be, checked at run time (it may come from untyped code or an old
 * call shape): a server scope without a server id, or anything else, throws. Fails closed.
 *
 * @example
 * requireScope({ kind: 'guild', guildId: null }); // throws: never read as global
 */
export function requireScope(scope: unknown): Scope {
  const { kind, guildId } = (scope ?? {}) as { kind?: unknown; guildId?: unknown };
  if (kind === 'global' && guildId === undefined) return GLOBAL_SCOPE;
  if (kind === 'guild') return guildScope(typeof guildId === 'string' ? guildId : null);
  throw new Error('Expected a scope: GLOBAL_SCOPE, or guildScope(id) for one server');
}

/**
 * Whether a reader in `reader` sees a document of scope `document`: global documents everywhere,
 * a server's only in that server.
 *
 * @example
 * sees(guildScope('1'), GLOBAL_SCOPE); // true
 * sees(GLOBAL_SCOPE, guildScope('1')); // false
 */
export function sees(reader: Scope, document: Scope): boolean {
  return (
    document.kind === 'global' || (reader.kind === 'guild' && reader.guildId === document.guildId)
  );
}

/** The server id of a scope, or null for global: how the store keeps it (`guild_id`). */
export function guildIdOf(scope: Scope): string | null {
  return scope.kind === 'guild' ? scope.guildId : null;
}

/**
 * The scope of a stored `guild_id`: null is global. Only for reading back what the store holds,
 * never for a server id from Discord (use `guildScope`, which refuses null).
 */
export function scopeOfStored(guildId: string | null): Scope {
  return guildId === null ? GLOBAL_SCOPE : guildScope(guildId);
}

/** Whether two scopes are the same. */
export function sameScope(a: Scope, b: Scope): boolean {
  return a.kind === b.kind && guildIdOf(a) === guildIdOf(b);
}
