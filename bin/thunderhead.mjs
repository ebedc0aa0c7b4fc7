#!/usr/bin/env node
// Entry point of the `thunderhead` command. Installed from the npm package it runs the compiled
// CLI (out/node/cli.js: plain JS, no loader). In a git clone, where the TypeScript sources sit
// beside it, it runs them through tsx (a dev dependency) so the command is always the code you
// are editing, never a stale build; a clone installed without dev dependencies uses its build.
import { existsSync } from 'node:fs';

const source = new URL('../app/cli/main.ts', import.meta.url);
const compiled = new URL('../out/node/cli.js', import.meta.url);

async function tsxLoader() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return null;
  }
}

const tsx = existsSync(source) ? await tsxLoader() : null;
if (tsx === null && !existsSync(compiled)) {
  console.error('thunderhead: the CLI is not built and tsx is not installed: run `npm install` (or `npm run build:package`)');
  process.exit(1);
}
tsx?.register();
const { runCli } = await import(tsx ? source.href : compiled.href);
process.exitCode = await runCli(process.argv.slice(2));
