/**
 * Where the CLI reads and writes. Commands never touch `process.stdout` directly, so tests run
 * `runCli` in-process with captured output, and the real entry wires in the process streams.
 */
import type { Readable, Writable } from 'node:stream';

/** A destination for text. `write` may return a promise that settles when it can take more. */
export interface TextSink {
  write(text: string): void | Promise<void>;
  /** True when a person is watching (a terminal): enables progress bars and truncation. */
  readonly isTTY?: boolean;
  /** Terminal width in characters, when known. */
  readonly columns?: number;
}

/** Everything a command may use from its environment. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Read by `load` when no INPUT file is named. */
  readonly stdin: AsyncIterable<string | Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Thrown by a process sink once the reader went away (`thunderhead dump x | head`). */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosedError';
  }
}

/**
 * Wraps a Node stream as a sink that honours back-pressure: a write that fills the stream's
 * buffer returns a promise settled on `drain`, so dumping a million records through a slow pipe
 * stays in constant memory. A closed pipe (EPIPE) turns into {@link OutputClosedError}.
 */
export function streamSink(stream: Writable & { isTTY?: boolean; columns?: number }): TextSink {
  let closed = false;
  // Any stream error (EPIPE above all) means nobody reads any more: stop writing quietly
  // rather than crash with an unhandled 'error' event.
  stream.on('error', () => {
    closed = true;
  });
  return {
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
    write(text: string): void | Promise<void> {
      if (closed) throw new OutputClosedError();
      if (stream.write(text)) return;
      return new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          stream.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          stream.off('drain', onDrain);
          reject(new OutputClosedError());
        };
        stream.once('drain', onDrain);
        stream.once('close', onClose);
      });
    },
  };
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: streamSink(process.stdout),
    stderr: streamSink(process.stderr),
    stdin: process.stdin as Readable,
    env: process.env,
  };
}

/**
 * Line-oriented writer over a sink that batches small writes into ~64 KiB chunks: one
 * `write` syscall per record would dominate the cost of `dump` on a large store.
 */
export class Output {
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(private readonly sink: TextSink) {}

  /** True when the sink is a terminal. */
  get isTTY(): boolean {
    return this.sink.isTTY === true;
  }

  /** Terminal width, or undefined when output is not a terminal (never truncate then). */
  get width(): number | undefined {
    return this.sink.isTTY === true ? (this.sink.columns ?? 80) : undefined;
  }

  /** Queues one line; flushes when enough has accumulated. */
  async line(text = ''): Promise<void> {
    this.pending.push(text, '\n');
    this.pendingLength += text.length + 1;
    if (this.pendingLength >= 1 << 16) await this.flush();
  }

  /** Writes whatever is queued. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    await this.sink.write(text);
  }
}
