import { fileURLToPath } from 'node:url';

/**
 * The `footnote` command as tests spawn it: `node <FOOTNOTE_ARGS…> ask …`. It runs the sources
 * through tsx (bin/run-ts.js), so the tests need no build and test what is in `src/`; the
 * compiled `bin/footnote.js` runs the same entry from dist/ (CI runs it once after the build).
 *
 * @example
 * spawn(process.execPath, [...FOOTNOTE_ARGS, 'start'], { env });
 */
export const FOOTNOTE_ARGS: readonly string[] = [
  fileURLToPath(new URL('../bin/run-ts.js', import.meta.url)),
  fileURLToPath(new URL('../bin/main.ts', import.meta.url)),
];
