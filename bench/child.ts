// Benchmarks that measure start-up and memory run each case in a fresh Node process, so one
// case's heap and caches never colour the next one's figures.
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));

/**
 * Runs a bench child script (from sources, with `--expose-gc`) and returns the JSON on the last
 * line of its output.
 *
 * @example
 * const load = runBenchChild<LoadResult>(new URL('cold-start-child.ts', import.meta.url), ['--mode', 'load']);
 */
export function runBenchChild<T>(script: URL, args: string[]): T {
  const file = fileURLToPath(script);
  const child = spawnSync(process.execPath, ['--expose-gc', RUN_TS, file, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 2 ** 20,
  });
  if (child.status !== 0)
    throw new Error(`${basename(file)} ${args.join(' ')} exited with ${child.status}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as T;
}
