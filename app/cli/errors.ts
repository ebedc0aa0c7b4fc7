/**
 * How the CLI turns failures into exit codes and one-line messages.
 *
 * 0 success; 1 a user error (bad input, missing or foreign file, engine `StoreError`): one line
 * `thunderhead: <message>` on stderr; 2 a usage error (commander's parse errors). A stack trace is
 * printed only with THUNDERHEAD_DEBUG=1, because users cannot act on one.
 */
import { CommanderError } from 'commander';
import { StoreError } from '../../engine/errors';
import { runnableHints } from './invocation';
import { OutputClosedError } from './io';

/** A user error detected by the CLI itself (bad JSONL line, missing file, unknown feature). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error detected after parsing (e.g. two options that exclude each other). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** What to print and which code to return for an error that escaped a command. */
export interface Failure {
  readonly exitCode: number;
  /** One line, without the `thunderhead: ` prefix; empty when nothing should be printed. */
  readonly message: string;
  /** True for errors we did not anticipate (a bug): worth a stack trace in debug mode. */
  readonly unexpected: boolean;
  /** A usage error found after parsing: the message should point at the command's help. */
  readonly usage?: boolean;
}

/** Node's system errors (ENOENT, EACCES…) carry a code and a path we can phrase for people. */
function systemErrorMessage(error: NodeJS.ErrnoException): string | undefined {
  const where = error.path ?? '';
  switch (error.code) {
    case 'ENOENT':
      return `${where}: no such file or directory`;
    case 'EACCES':
    case 'EPERM':
      return `${where}: permission denied`;
    case 'EISDIR':
      return `${where}: is a directory, not a store file`;
    case 'ENOTDIR':
      return `${where}: a parent of this path is not a directory`;
    case 'ENOSPC':
      return `no space left on the device${where ? ` while writing ${where}` : ''}`;
    case 'EROFS':
      return `${where}: the file system is read-only`;
    default:
      return undefined;
  }
}

/** Keeps a message to one line: a multi-line message would break `2>&1 | grep` use. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Classifies an error thrown while running a command. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof OutputClosedError) return { exitCode: 0, message: '', unexpected: false };
  if (error instanceof CommanderError) {
    // Help and --version are successes; `thunderhead` with no command shows help as an error.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return { exitCode: 0, message: '', unexpected: false };
    }
    // commander has already printed its message through outputError.
    return { exitCode: 2, message: '', unexpected: false };
  }
  if (error instanceof UsageError) return { exitCode: 2, message: oneLine(error.message), unexpected: false, usage: true };
  if (error instanceof CliError) return { exitCode: error.exitCode, message: oneLine(error.message), unexpected: false };
  // Engine messages advise `thunderhead check …`: print the form that runs from here.
  if (error instanceof StoreError) return { exitCode: 1, message: runnableHints(oneLine(error.message)), unexpected: false };
  if (error instanceof Error) {
    const system = systemErrorMessage(error as NodeJS.ErrnoException);
    if (system !== undefined) return { exitCode: 1, message: system, unexpected: false };
    return {
      exitCode: 1,
      message: `internal error: ${oneLine(error.message)} (set THUNDERHEAD_DEBUG=1 for details)`,
      unexpected: true,
    };
  }
  return { exitCode: 1, message: `internal error: ${oneLine(String(error))}`, unexpected: true };
}
