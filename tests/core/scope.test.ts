import { describe, expect, it } from 'vitest';
import {
  GLOBAL_SCOPE,
  guildScope,
  requireScope,
  sameScope,
  scopeOfStored,
  sees,
} from '../../src/core/scope.ts';

const GUILD = '41771983423143937';
const OTHER = '81771983423143937';

describe('guildScope', () => {
  it('makes a server scope from a server id', () => {
    expect(guildScope(GUILD)).toEqual({ kind: 'guild', guildId: GUILD });
  });

  it('refuses a missing or empty id (a DM) instead of widening to global', () => {
    expect(() => guildScope(null)).toThrow(/needs a server id/);
    expect(() => guildScope(undefined)).toThrow(/needs a server id/);
    expect(() => guildScope('')).toThrow(/needs a server id/);
  });
});

describe('requireScope', () => {
  it('accepts the two scopes as they are', () => {
    expect(requireScope(GLOBAL_SCOPE)).toBe(GLOBAL_SCOPE);
    expect(requireScope({ kind: 'guild', guildId: GUILD })).toEqual(guildScope(GUILD));
  });

  it('refuses a server scope without an id, and anything that is not a scope', () => {
    expect(() => requireScope({ kind: 'guild', guildId: null })).toThrow(/needs a server id/);
    expect(() => requireScope({ guildId: null, operator: true })).toThrow(/Expected a scope/);
    expect(() => requireScope({ kind: 'global', guildId: GUILD })).toThrow(/Expected a scope/);
    expect(() => requireScope(undefined)).toThrow(/Expected a scope/);
  });
});

describe('sees', () => {
  it('shows global documents everywhere and a server’s only in that server', () => {
    expect(sees(guildScope(GUILD), GLOBAL_SCOPE)).toBe(true);
    expect(sees(GLOBAL_SCOPE, GLOBAL_SCOPE)).toBe(true);
    expect(sees(guildScope(GUILD), guildScope(GUILD))).toBe(true);
    expect(sees(guildScope(OTHER), guildScope(GUILD))).toBe(false);
    expect(sees(GLOBAL_SCOPE, guildScope(GUILD))).toBe(false);
  });
});

describe('the store’s guild_id', () => {
  it('reads null as global and an id as that server', () => {
    expect(scopeOfStored(null)).toBe(GLOBAL_SCOPE);
    expect(sameScope(scopeOfStored(GUILD), guildScope(GUILD))).toBe(true);
    expect(sameScope(guildScope(GUILD), guildScope(OTHER))).toBe(false);
    expect(sameScope(GLOBAL_SCOPE, guildScope(GUILD))).toBe(false);
  });
});
