#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so `npx footnote` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  // Injected here, so nothing under src/ imports commands/ (the registry imports src/).
  loadCommands: async () => (await import('../commands/index.ts')).registry,
});
