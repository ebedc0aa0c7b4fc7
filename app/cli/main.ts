/**
 * The `thunderhead` command: a commander program over the engine's public API.
 *
 * `runCli` is the whole CLI as a function — it never calls `process.exit` and writes only
 * through the `CliIo` it is given — so tests run it in-process, and `bin/thunderhead.mjs`
 * turns its result into the process's exit code.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describeFailure, oneLine } from './errors';
import { Output, processIo, type CliIo } from './io';
import type { CommandContext } from './context';
import { registerStoreCommands } from './commands/store-commands';
import { registerRecordCommands } from './commands/record-commands';
import { registerLoadCommand } from './commands/load';
import { registerDemoCommand } from './commands/demo';
import { registerVersionCommands } from './commands/version-commands';
import { registerCompactCommand } from './commands/compact';
import { registerWorkloadCommand } from './commands/workload';

/** The package's version, read once from package.json (the single place it is written). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Points a usage error at the help of the command the user was typing. */
function helpHint(program: Command, argv: readonly string[]): string {
  const name = argv.find((arg) => !arg.startsWith('-'));
  const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name ?? ''));
  return command ? `thunderhead ${command.name()} --help` : 'thunderhead --help';
}

/** Builds a fresh program (commander keeps parse state in its objects, so one per run). */
function buildProgram(ctx: CommandContext, argv: readonly string[]): Command {
  const program = new Command('thunderhead');
  program
    .description('Inspect and edit Thunderhead stores: an embedded, persistent hitchhiker B+tree in one file.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => void ctx.io.stdout.write(text),
      writeErr: (text) => void ctx.io.stderr.write(text),
      getOutHelpWidth: () => ctx.io.stdout.columns ?? 80,
      getErrHelpWidth: () => ctx.io.stderr.columns ?? 80,
      // Usage errors are one line, in the same `thunderhead: ` form as every other error.
      outputError: (text, write) => write(`thunderhead: ${oneLine(text.replace(/^error: /, ''))} (see ${helpHint(program, argv)})\n`),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
KEY and VALUE arguments are JSON when they parse as JSON, otherwise plain strings:
  '["users", 7]' is a tuple key, 42 a number, hello the string "hello".
VERSION is a version id, a snapshot name or a branch name.

The inspector: thunderhead serve FILE… [--port N] [--open] serves it on 127.0.0.1
(a per-run token is in the printed URL); see thunderhead serve --help.

Exit codes: 0 ok, 1 user error (one line on stderr), 2 usage error.`,
    );
  // Subcommands copy the settings above when created, so register them last.
  registerStoreCommands(program, ctx);
  registerRecordCommands(program, ctx);
  registerLoadCommand(program, ctx);
  registerDemoCommand(program, ctx);
  registerVersionCommands(program, ctx);
  registerCompactCommand(program, ctx);
  registerWorkloadCommand(program, ctx);
  return program;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and returns the exit code:
 * 0 ok, 1 user error, 2 usage error. Output goes to `io` (the process's streams by default).
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const ctx: CommandContext = {
    io,
    out: new Output(io.stdout),
    exitCode: 0,
  };
  const debug = io.env.THUNDERHEAD_DEBUG === '1';
  // `serve` is a long-running host with its own argument parser (app/serve/serve-command.ts),
  // loaded only when asked for: the HTTP/WebSocket host and the contract's schemas would
  // otherwise be a third of every other command's start-up.
  if (argv[0] === 'serve') return (await import('../serve/serve-command')).serveCommand(argv.slice(1));
  const program = buildProgram(ctx, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    await ctx.out.flush();
    return ctx.exitCode;
  } catch (error) {
    const failure = describeFailure(error);
    try {
      await ctx.out.flush();
    } catch {
      // The output went away too; the error below is what matters.
    }
    const hint = failure.usage ? ` (see ${helpHint(program, argv)})` : '';
    if (failure.message) await io.stderr.write(`thunderhead: ${failure.message}${hint}\n`);
    if (debug && error instanceof Error && error.stack) await io.stderr.write(`${error.stack}\n`);
    return failure.exitCode;
  }
}
