/** State shared by the commands of one `runCli` call. */
import type { CliIo, Output } from './io';

/** What a command's action gets besides its arguments. */
export interface CommandContext {
  readonly io: CliIo;
  /** Buffered stdout; `runCli` flushes it at the end. */
  readonly out: Output;
  /**
   * The code `runCli` returns when the action completes without throwing; `check` sets 1 when
   * it found problems (it reports them itself, so it does not throw).
   */
  exitCode: number;
}
