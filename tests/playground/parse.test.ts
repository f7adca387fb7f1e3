import { describe, expect, it } from 'vitest';
import { parseLine, type CommandShape } from '../../scripts/playground/parse.ts';
import { registry } from '../../commands/index.ts';
import { commandPayloads } from '../../src/discord/register.ts';

/** The commands exactly as the bot registers them. */
const commands = commandPayloads(registry) as unknown as CommandShape[];
const parse = (line: string, form?: string[]) => parseLine(line, commands, form);

describe('parseLine: slash commands, as typed in Discord', () => {
  it('reads named options, converting a boolean', () => {
    expect(parse('/ask question: Who introduced QR codes? hide: true')).toEqual({
      kind: 'slash',
      name: 'ask',
      options: { question: 'Who introduced QR codes?', hide: true },
      files: {},
    });
  });

  it('gives text without an option name to the first required option', () => {
    expect(parse('/source moscow times')).toMatchObject({
      name: 'source',
      options: { document: 'moscow times' },
    });
  });

  it('keeps a colon inside a value that is not an option name', () => {
    expect(parse('/ask question: Note: who decided?')).toMatchObject({
      options: { question: 'Note: who decided?' },
    });
  });

  it('reads a subcommand', () => {
    expect(parse('/corpus list')).toEqual({
      kind: 'slash',
      name: 'corpus',
      subcommand: 'list',
      options: {},
      files: {},
    });
  });

  it('keeps an attachment option as the path of the file to attach', () => {
    expect(parse('/corpus add-file file: ./notes.md')).toMatchObject({
      subcommand: 'add-file',
      options: {},
      files: { file: './notes.md' },
    });
  });

  it('names the missing required option', () => {
    expect(parse('/ask')).toEqual({ kind: 'error', message: '/ask needs question: …' });
  });

  it('lists the subcommands when none is given', () => {
    expect(parse('/corpus')).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^\/corpus needs one of: .*add-url.*list/u),
    });
  });

  it('refuses a boolean that is not one', () => {
    expect(parse('/ask question: qr codes hide: maybe')).toEqual({
      kind: 'error',
      message: '/ask hide: must be true or false.',
    });
  });

  it('names the commands the bot registered when the command is unknown', () => {
    expect(parse('/weather today')).toEqual({
      kind: 'error',
      message: 'There is no /weather command. The bot registered /ask, /source, /help, /corpus.',
    });
  });
});

describe('parseLine: playground commands', () => {
  it('presses a button by its label', () => {
    expect(parse('press More sources')).toEqual({ kind: 'press', label: 'More sources' });
  });

  it('asks for the suggestions of an autocompleting option', () => {
    expect(parse('complete /source lavr')).toEqual({
      kind: 'complete',
      name: 'source',
      option: 'document',
      partial: 'lavr',
    });
  });

  it('fills in the open form by its input ids', () => {
    expect(
      parse('submit title: Bread text: Flour, water, salt.', ['title', 'author', 'text']),
    ).toEqual({
      kind: 'submit',
      fields: { title: 'Bread', text: 'Flour, water, salt.' },
    });
  });

  it('says so when there is no form to fill in', () => {
    expect(parse('submit title: Bread')).toMatchObject({ kind: 'error' });
  });

  it('right-clicks a message with Find sources', () => {
    expect(parse('find sources which region had QR codes first?')).toEqual({
      kind: 'find-sources',
      text: 'which region had QR codes first?',
    });
  });

  it('switches who the playground acts as', () => {
    expect(parse('as member')).toEqual({ kind: 'as', member: 'member' });
  });

  it('points to help for anything else', () => {
    expect(parse('hello')).toEqual({
      kind: 'error',
      message: '"hello" is not something the playground knows. Type help for the list.',
    });
  });
});
