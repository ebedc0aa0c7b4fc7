/**
 * The `thunderhead` command: a commander program over the engine's public API.
 *
 * `runCli` is the whole CLI as a function — it never calls `process.exit` and writes only
 * through the `CliIo` it is given — so tests run it in-process, and `bin/thunderhead.mjs`
 * turns its result into the process's exit code.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { cliCommand } from './invocation';
import { describeFailure, oneLine } from './errors';
import { Output, processIo, type CliIo } from './io';
import type { CommandContext } from './context';
import { registerStoreCommands } from './commands/store-commands';
import { registerRecordCommands } from './commands/record-commands';
import { registerLoadCommand } from './commands/load';
import { registerDemoCommand } from './commands/demo';
import { registerVersionCommands } from './commands/version-commands';
import { registerMergeCommands } from './commands/merge-commands';
import { registerCompactCommand } from './commands/compact';
import { registerWorkloadCommand } from './commands/workload';
import { registerAnalyzeCommand } from './commands/analyze';

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
  return command ? `${cliCommand()} ${command.name()} --help` : `${cliCommand()} --help`;
}

/**
 * `serve` in the command list. runCli hands `serve …` (and `help serve`) to the serve host's own
 * parser before commander runs, so this entry only lists it.
 */
function registerServeHelp(program: Command): void {
  program
    .command('serve')
    .description('serve the inspector on 127.0.0.1 (a per-run token is in the printed URL)')
    .argument('[file...]', 'store files to open')
    .helpOption(false)
    .allowUnknownOption()
    .action(() => undefined);
}

/** Help text written to a pipe that closed (`thunderhead --help | head`) is simply not read. */
function quietWrite(sink: CliIo['stdout'], text: string): void {
  try {
    void Promise.resolve(sink.write(text)).catch(() => undefined);
  } catch {
    // The reader went away.
  }
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
      writeOut: (text) => quietWrite(ctx.io.stdout, text),
      writeErr: (text) => quietWrite(ctx.io.stderr, text),
      getOutHelpWidth: () => ctx.io.stdout.columns ?? 80,
      getErrHelpWidth: () => ctx.io.stderr.columns ?? 80,
      // Usage errors are one line, in the same `thunderhead: ` form as every other error.
      outputError: (text, write) => write(`thunderhead: ${oneLine(text.replace(/^error: /, ''))} (see ${helpHint(program, argv)})\n`),
    })
    .exitOverride()
    .addHelpText(
      'after',
      // A function: the PATH look-up behind cliCommand() runs only when help is shown.
      () => `
KEY and VALUE arguments are JSON when they parse as JSON, otherwise plain strings:
  '["users", 7]' is a tuple key, 42 a number, hello the string "hello".
Numbers are kept exactly: 12345678901234567890 is a 64-bit integer, -0 stays -0, and a
number a 64-bit float cannot hold (1e400, 0.1000000000000000000001) is refused.
--prefix: a string is a text prefix (user:01 matches "user:0123" and ["user:01x", 5]);
  an array is a tuple prefix matched element by element (["orders", 7]).
VERSION is a version id, a snapshot name or a branch name.

The inspector: ${cliCommand()} serve FILE… [--port N] [--open] serves it on 127.0.0.1
(a per-run token is in the printed URL); see ${cliCommand()} serve --help.

Exit codes: 0 ok, 1 user error (one line on stderr), 2 usage error.`,
    );
  // Subcommands copy the settings above when created, so register them last.
  registerStoreCommands(program, ctx);
  registerRecordCommands(program, ctx);
  registerLoadCommand(program, ctx);
  registerDemoCommand(program, ctx);
  registerVersionCommands(program, ctx);
  registerMergeCommands(program, ctx);
  registerCompactCommand(program, ctx);
  registerWorkloadCommand(program, ctx);
  registerAnalyzeCommand(program, ctx);
  registerServeHelp(program);
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
  if (argv[0] === 'help' && argv[1] === 'serve') {
    await io.stdout.write(`${(await import('../serve/serve-command')).SERVE_USAGE}\n`);
    return 0;
  }
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
