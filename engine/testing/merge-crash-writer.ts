/**
 * Child process of merge-crash.test.ts (run as `node --import tsx engine/testing/merge-crash-writer.ts FILE`).
 * Creates FILE with DOCS documents and a branch `topic`, then runs rounds until it is killed:
 * round i sets field `a` of every document to i on main and field `b` to i on topic
 * (read-modify-write on each branch), then merges topic into main with the message
 * `merge round <i>` — a field-level merge of every document — and prints `M <i> <version>`
 * once the merge has returned (so is durable).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeValue, encodeValue, Store } from '../index';
import { say } from './test-support';

/** Documents each round changes on both sides. */
export const DOCS = 300;

/** Key of document j. O(1). */
export function docKey(j: number): Buffer {
  return Buffer.from(`doc/${String(j).padStart(4, '0')}`);
}

function main(file: string): void {
  const store = Store.create(file, { nodeSize: 1024, fanout: 8, bufferSize: 1024, blobThreshold: 256 });
  store.write((tx) => {
    for (let j = 0; j < DOCS; j++) tx.put(docKey(j), encodeValue({ j, a: 0, b: 0 }));
  });
  store.branch('topic');
  say('ready');
  for (let i = 1; ; i++) {
    for (const [branch, field] of [['main', 'a'], ['topic', 'b']] as const) {
      const tx = store.begin({ branch });
      for (let j = 0; j < DOCS; j++) {
        const doc = decodeValue(tx.get(docKey(j)) as Buffer) as Record<string, number>;
        tx.put(docKey(j), encodeValue({ ...doc, [field]: i }));
      }
      tx.commit({ message: `round ${i} on ${branch}` });
    }
    const r = store.merge('topic', { message: `merge round ${i}` });
    say(`M ${i} ${r.version?.id ?? 0}`);
  }
}

const entry = process.argv[1] && fs.existsSync(process.argv[1]) ? fs.realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) main(process.argv[2]);
