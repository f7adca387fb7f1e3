// The `footnote` process. bin/footnote.js runs it compiled (dist/bin/main.js); tests and the
// shard processes of a run from the sources run it through tsx (node bin/run-ts.js bin/main.ts).
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  // Injected here, so nothing under src/ imports commands/ (the registry imports src/).
  loadCommands: async () => (await import('../commands/index.ts')).registry,
});
