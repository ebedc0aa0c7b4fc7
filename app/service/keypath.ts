/** Root-to-leaf path of a key, with the buffered messages on the way that touch it. */
import type { KeyPathResult, PathStep, AtVersion } from '../contract';
import type { AddressView, Store } from './engine';
import { successor } from './keys';
import { readerAt } from './time-travel';
import { addressData, keyView, messageView } from './contract-data';

function sameNode(a: AddressView, b: AddressView): boolean {
  return a.offset === b.offset && a.length === b.length && a.checksum === b.checksum;
}

/**
 * Follows `key` from the root to its leaf. The path and the touching messages are the engine's
 * (`pathOf`), so the drawing highlights exactly what a read visits. O(height) node reads.
 * `at` reads an older version instead of the head (time travel).
 */
export function findKeyPath(store: Store, key: Buffer, at?: AtVersion): KeyPathResult {
  const reader = readerAt(store, at);
  const { path, messages } = store.pathOf(key, reader.version);
  const steps: PathStep[] = path.map((address, i) => {
    const node = store.readNode(address);
    const below = path[i + 1];
    const index = below
      ? node.children.findIndex((c) => sameNode(c, below))
      : node.keys.findIndex((k) => Buffer.compare(k, key) === 0);
    return {
      address: addressData(address),
      level: node.level,
      index,
      messages: messages.filter((m) => sameNode(m.at, address)).map(messageView),
    };
  });
  // Whether the key is live is the engine's answer (buffers and leaves merged).
  const [entry] = reader.scan({ from: key, to: successor(key), limit: 1 });
  const base = { key: keyView(key), path: steps };
  return entry ? { ...base, found: true, value: { length: entry.valueLength, large: entry.large } } : { ...base, found: false };
}
