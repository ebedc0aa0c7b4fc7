#!/usr/bin/env node
// Entry point of the `thunderhead` command. Installed from the npm package it runs the compiled
// CLI (out/node/cli.js: plain JS, no loader). In a git clone, where the TypeScript sources sit
// beside it, it runs them through tsx (a dev dependency) so the command is always the code you
// are editing, never a stale build.
import { existsSync } from 'node:fs';

const source = new URL('../app/cli/main.ts', import.meta.url);
let runCli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import(source.href));
} else {
  ({ runCli } = await import('../out/node/cli.js'));
}
process.exitCode = await runCli(process.argv.slice(2));
