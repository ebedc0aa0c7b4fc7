/**
 * Child process of processes.test.ts (run as `node --import tsx engine/testing/process-child.ts MODE FILE`).
 * - `hold`: opens FILE for writing, prints `ready <pid>`, then obeys stdin lines:
 *   `put KEY VALUE` (one commit), `puts N PREFIX` (N single-put commits), `exit` (close and end).
 *   Prints `committed <version>` after each command's last commit has returned.
 * - `try-open`: tries to open FILE for writing and prints one JSON line: `{"ok":true}` or the
 *   error's name, code, pid and message.
 */
import * as readline from 'node:readline';
import { Store, StoreError, StoreLockedError } from '../index';
import { say } from './test-support';

function tryOpen(file: string): void {
  try {
    Store.open(file).close();
    say(JSON.stringify({ ok: true }));
  } catch (e) {
    const err = e as Error;
    say(JSON.stringify({
      ok: false, name: err.name, code: e instanceof StoreError ? e.code : null,
      pid: e instanceof StoreLockedError ? e.pid : null, message: err.message,
    }));
  }
}

function hold(file: string): void {
  const store = Store.open(file);
  say(`ready ${process.pid}`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, a, b] = line.split(' ');
    if (cmd === 'put') {
      const info = store.put(Buffer.from(a), Buffer.from(b));
      say(`committed ${info.version}`);
    } else if (cmd === 'puts') {
      let version = 0;
      for (let i = 0; i < Number(a); i++) version = store.put(Buffer.from(`${b}${String(i).padStart(6, '0')}`), Buffer.from(`v${i}`)).version;
      say(`committed ${version}`);
    } else if (cmd === 'exit') {
      store.close();
      rl.close();
      say('closed');
      process.stdin.destroy();
    }
  });
}

const [mode, file] = process.argv.slice(2);
if (mode === 'try-open') tryOpen(file);
else if (mode === 'hold') hold(file);
else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exitCode = 2;
}
