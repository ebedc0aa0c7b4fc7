#!/usr/bin/env node
// Entry point of the `thunderhead` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

register();
const here = dirname(fileURLToPath(import.meta.url));
const { runCli } = await import(join(here, '..', 'app', 'cli', 'main.ts'));
process.exitCode = await runCli(process.argv.slice(2));
