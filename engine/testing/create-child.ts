/**
 * Child process of create-crash.test.ts (`node --import tsx engine/testing/create-child.ts FILE KILL_AT [syscall|storefile]`).
 * Creates a store at FILE and closes it, counting every system call the store makes on files
 * (`fileCalls`); at call number KILL_AT it SIGKILLs itself before making it, so the parent sees
 * a create cut at every step. KILL_AT -1 runs to the end and prints `calls N linked L` (L: the
 * call that gave the store its name).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Store } from '../index';
// A namespace import, so that the StoreFile level also runs against engines without `fileCalls`.
import * as fileLayer from '../store/file';
import { say } from './test-support';

function main(file: string, killAt: number, level: string): void {
  let calls = 0;
  let linkedAt = -1;
  if (level === 'storefile') {
    // One level up: the StoreFile methods (every engine version has them), so a kill lands
    // between the writes and the flush of the new file itself.
    const proto = fileLayer.StoreFile.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of ['write', 'sync', 'truncate', 'close']) {
      const real = proto[name];
      proto[name] = function (this: unknown, ...args: unknown[]): unknown {
        if (calls === killAt) process.kill(process.pid, 'SIGKILL');
        calls++;
        return real.apply(this, args);
      };
    }
  }
  const fileCalls = fileLayer.fileCalls;
  for (const name of level === 'storefile' ? [] : (Object.keys(fileCalls) as (keyof typeof fileCalls)[])) {
    const real = fileCalls[name] as (...args: unknown[]) => unknown;
    (fileCalls as Record<string, unknown>)[name] = (...args: unknown[]): unknown => {
      if (calls === killAt) process.kill(process.pid, 'SIGKILL');
      if (name === 'linkSync' || name === 'renameSync') linkedAt = calls;
      calls++;
      return real(...args);
    };
  }
  say('ready');
  Store.create(file, { nodeSize: 512, fanout: 4, bufferSize: 512, blobThreshold: 64 }).close();
  say(`calls ${calls} linked ${linkedAt}`);
  say('done');
}

const entry = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) main(process.argv[2], Number(process.argv[3]), process.argv[4] ?? 'syscall');
