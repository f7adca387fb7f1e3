import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, parseConfig } from '../../src/config.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** Rows of the table at the top of docs/configuration.md: variable → default cell. */
function documentedDefaults(): Map<string, string> {
  const rows = read('docs/configuration.md').matchAll(/^\| `([A-Z_]+)` +\| ([^|]+?) +\|/gmu);
  return new Map([...rows].map(([, name, cell]) => [name!, cell!.replaceAll('`', '')]));
}

/** `NAME=value` lines of .env.example (comments left out). */
function exampleValues(): Map<string, string> {
  const lines = read('.env.example').matchAll(/^([A-Z_]+)=(.*)$/gmu);
  return new Map([...lines].map(([, name, value]) => [name!, value!.trim()]));
}

const variables = Object.keys(configSchema.shape).sort();
const defaults: Record<string, unknown> = parseConfig({});
/** How an unset default reads in the table: Discord's own URL, or nothing. */
const UNSET = ['—', "Discord's"];
const shown = (value: unknown) =>
  value === undefined || (Array.isArray(value) && value.length === 0)
    ? undefined
    : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- defaults are strings, numbers, booleans or lists of strings
      String(value);

describe('the configuration reference', () => {
  it('has one table row for every setting the schema reads, and no other', () => {
    expect([...documentedDefaults().keys()].sort()).toEqual(variables);
  });

  it('lists every setting in .env.example, and no other', () => {
    expect([...exampleValues().keys()].sort()).toEqual(variables);
  });

  it.each(variables)('gives the default %s really has', (name) => {
    const cell = documentedDefaults().get(name);
    const actual = shown(defaults[name]);
    if (actual === undefined) expect(UNSET).toContain(cell);
    else expect(cell).toBe(actual);
  });

  it.each(variables)('leaves %s in .env.example empty or at its default', (name) => {
    const value = exampleValues().get(name);
    if (value !== '') expect(value).toBe(shown(defaults[name]));
  });

  it.each(variables)('explains %s under the table', (name) => {
    expect(read('docs/configuration.md')).toContain(`**\`${name}\`**:`);
  });
});
