/**
 * `load FILE [INPUT]`: JSONL records (`{"key": …, "value": …}` per line, the output of `dump`)
 * from a file or stdin into a store, in one commit at the end or one every N records.
 */
import { createReadStream, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Store, StoreError, type Transaction } from '../../../engine/index';
import { parseJsonText } from '../../contract/json-text';
import { firstInvalidUtf8 } from '../../contract/utf8';
import type { CommandContext } from '../context';
import { CliError } from '../errors';
import { parsePositiveInt } from '../options';
import { progressBar } from '../progress';
import { recordFromJson } from '../records';
import { withStore } from '../store-access';

interface LoadOptions { commitEvery?: number; message?: string; branch?: string; create?: boolean; snapshot?: string }

/** A line whose bytes are not UTF-8: `load` refuses it (decoding would put U+FFFD in the data). */
export class InvalidUtf8Line {
  constructor(readonly byteOffset: number) {}
}

/**
 * Splits a byte or text stream into lines, each decoded as UTF-8 on its own, strictly: a line
 * with malformed bytes comes out as {@link InvalidUtf8Line} (never with U+FFFD substituted), so
 * the caller names the line. Reports the bytes consumed so far for a progress bar. O(input).
 */
export async function* readLines(
  input: AsyncIterable<string | Uint8Array>,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string | InvalidUtf8Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // Bytes are split at 0x0A before decoding: UTF-8 never uses that byte inside a character.
  // A line's pieces wait in `pending` and are joined once, so a long line costs O(its length).
  let pending: Buffer[] = [];
  let bytes = 0;
  const decode = (line: Buffer): string | InvalidUtf8Line => {
    try {
      return decoder.decode(line);
    } catch {
      return new InvalidUtf8Line(firstInvalidUtf8(line));
    }
  };
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += data.length;
    onBytes?.(bytes);
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
      const piece = data.subarray(start, nl);
      yield decode(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      pending = [];
      start = nl + 1;
    }
    if (start < data.length) pending.push(data.subarray(start));
  }
  if (pending.length > 0) yield decode(Buffer.concat(pending));
}

/** Parses one JSONL line into encoded key and value bytes; throws a message without the line number. */
function parseLine(line: string | InvalidUtf8Line): { key: Uint8Array; value: Uint8Array } {
  if (line instanceof InvalidUtf8Line) {
    throw new CliError(`not valid UTF-8 (at byte ${line.byteOffset} of the line); nothing from it was stored, fix the encoding (e.g. iconv -f latin1 -t utf-8)`);
  }
  let json: unknown;
  try {
    // Exact numbers: 12345678901234567890 stays that integer, -0 stays -0, 1e400 is refused.
    json = parseJsonText(line);
  } catch (error) {
    throw new CliError((error as { kind?: string }).kind === 'number' ? (error as Error).message : `not valid JSON (${(error as Error).message})`);
  }
  return recordFromJson(json);
}

/** Adds `load` to `program`. */
export function registerLoadCommand(program: Command, ctx: CommandContext): void {
  program
    .command('load')
    .description('load JSONL records ({"key": …, "value": …} per line) from INPUT or stdin')
    .argument('<file>', 'store file')
    .argument('[input]', 'JSONL file to read (default: stdin; "-" also means stdin)')
    .addOption(new Option('--commit-every <n>', 'commit after every N records (default: one commit at the end)').argParser(parsePositiveInt))
    .option('-m, --message <message>', 'commit message (default: "load INPUT")')
    .option('--branch <name>', 'commit to this branch instead of the default one')
    .option('--create', 'create FILE with default parameters if it does not exist')
    .option('--snapshot <name>', 'name the loaded version as a snapshot, in its own commit (no extra flush)')
    .action(async (file: string, input: string | undefined, opts: LoadOptions) => {
      const fromFile = input !== undefined && input !== '-';
      let total: number | undefined;
      if (fromFile) {
        try {
          total = statSync(input).size;
        } catch {
          throw new CliError(`${input}: no such input file`);
        }
      }
      if (opts.create) {
        try {
          statSync(file);
        } catch {
          Store.create(file).close();
        }
      }
      const source: AsyncIterable<string | Uint8Array> = fromFile ? createReadStream(input) : ctx.io.stdin;
      if (!fromFile && (ctx.io.stdin as { isTTY?: boolean }).isTTY === true) {
        // Without this, `thunderhead load x.th` with a forgotten INPUT just seems to hang.
        await ctx.io.stderr.write('thunderhead: reading JSONL records from the terminal; end with Ctrl-D\n');
      }
      const label = fromFile ? input : 'stdin';
      const baseMessage = opts.message ?? `load ${label}`;

      await withStore(file, { readOnly: false }, async (store) => {
        const progress = progressBar(ctx.io.stderr, `loading ${label}`);
        const begin = (): Transaction => store.begin(opts.branch ? { branch: opts.branch } : {});
        let tx = begin();
        let lineNumber = 0;
        let loaded = 0;
        let pending = 0;
        const versions: number[] = [];
        let bytesRead = 0;
        let named = false;
        const commit = (last = false): void => {
          const first = loaded - pending + 1;
          const message = opts.commitEvery !== undefined ? `${baseMessage} (records ${first}–${loaded})` : baseMessage;
          const snapshot = last && opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {};
          versions.push(tx.commit({ message, ...snapshot }).version);
          if (last && opts.snapshot !== undefined) named = true;
          pending = 0;
        };
        try {
          for await (const line of readLines(source, (b) => (bytesRead = b))) {
            lineNumber++;
            if (typeof line === 'string' && line.trim() === '') continue;
            try {
              const { key, value } = parseLine(line);
              tx.put(key, value);
            } catch (error) {
              if (error instanceof CliError || error instanceof StoreError) {
                const kept = versions.length > 0 ? `; the ${versions.length} earlier commit(s) are kept` : '';
                throw new CliError(`${label}: line ${lineNumber}: ${error.message} (the ${pending} record(s) since the last commit were not committed${kept})`);
              }
              throw error;
            }
            loaded++;
            pending++;
            if (opts.commitEvery !== undefined && pending >= opts.commitEvery) {
              commit();
              tx = begin();
            }
            if ((loaded & 1023) === 0) progress.update(fromFile ? bytesRead : loaded, total, `${loaded.toLocaleString('en-US')} records`);
          }
          if (pending > 0) commit(true);
          // The last batch was committed inside the loop (the input ended on a --commit-every
          // boundary): name that version on its own.
          if (opts.snapshot !== undefined && !named && versions.length > 0) {
            store.snapshot(opts.snapshot, { version: versions[versions.length - 1] });
            named = true;
          }
        } finally {
          progress.done();
          // A transaction still open here holds either nothing or a batch that failed: drop it.
          try {
            tx.abort();
          } catch {
            // Already committed (and closed).
          }
        }
        const where = versions.length === 0
          ? 'nothing to commit'
          : versions.length === 1
            ? `1 commit (version ${versions[0]})`
            : `${versions.length} commits (versions ${versions[0]}–${versions[versions.length - 1]})`;
        const snap = named ? `, snapshot ${opts.snapshot}` : opts.snapshot !== undefined ? ' (no snapshot: nothing was committed)' : '';
        await ctx.out.line(`loaded ${loaded} record${loaded === 1 ? '' : 's'} into ${file}: ${where}${snap}`);
      });
    });
}
