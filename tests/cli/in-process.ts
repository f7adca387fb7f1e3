import { PassThrough, Readable } from 'node:stream';
import { main, type Io } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `footnote …` in this process (much faster than spawning it), with its output piped and
 * only the environment given, and collects what it printed.
 *
 * @example
 * const { code, stderr } = await footnoteInProcess(['list'], { env: { FOOTNOTE_DATA_DIR: dir } });
 */
export async function footnoteInProcess(
  args: string[],
  options: {
    env: Record<string, string>;
    stdin?: string;
    loadCommands?: Io['loadCommands'];
  },
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(args, {
    env: options.env,
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout,
    stderr,
    ...(options.loadCommands ? { loadCommands: options.loadCommands } : {}),
  });
  return { code, stdout: out, stderr: err };
}
