/**
 * What the inspector shows about a store's insides: cheap facts, root addresses, one node as
 * plain data, the path a key takes, and whole-tree statistics.
 */
import { BlockKind, type Address } from '../format/address';
import { BLOCK_HEADER_BYTES } from '../format/block';
import { DATA_START } from '../format/header';
import { storedKeysOf } from '../format/node-codec';
import { InvalidArgumentError } from '../errors';
import { findMsg, rdelCovers } from '../tree/buffer';
import { upperBound } from '../tree/keys';
import { BlobRef, Op, type Msg } from '../tree/node';
import { addressFromView, addressView } from './address-view';
import { resolveVersion, versionIndexOf, versionInfo } from './catalog';
import { branchEntry, checkOpen, type StoreCore } from './store-core';
import type { AddressView, MessageView, NodeView, StoreInfo, TreeStats } from './store-types';
import { asKey, ReadView } from './view';
import { processAlive, readLockOwner } from './writer-lock';

/** A buffered message as plain data; its bytes are copies (the message lives in a cached node). O(message bytes). */
export function messageView(m: Msg): MessageView {
  const op = m.op === Op.Put ? 'put' : m.op === Op.Delete ? 'delete' : 'deleteRange';
  const end = m.op === Op.DeleteRange ? (m.end === null ? null : Buffer.from(m.end)) : undefined;
  return { op, key: Buffer.from(m.key), end, seq: m.seq, valueLength: m.value ? m.value.length : 0, large: m.value instanceof BlobRef };
}

/** Cheap facts: sizes, height, versions, head. O(1) (after the first catalog walk). */
export function storeInfo(core: StoreCore): StoreInfo {
  checkOpen(core);
  const head = resolveVersion(core, branchEntry(core, core.defaultBranch).head);
  const owner = readLockOwner(core.path);
  return {
    path: core.path, fileSize: core.end, formatVersion: core.formatVersion, height: head.root.level + 1,
    versions: versionIndexOf(core).size, head: versionInfo(head), branch: core.defaultBranch, params: core.params, readOnly: core.readOnly,
    writerPid: owner && processAlive(owner.pid) ? owner.pid : null, damage: core.damageFound,
  };
}

/** The root address of a version (default branch head). O(1) after the first catalog walk. */
export function rootAddress(core: StoreCore, ref?: number | string): AddressView {
  const v = ref === undefined ? resolveVersion(core, branchEntry(core, core.defaultBranch).head) : resolveVersion(core, ref);
  return addressView(v.root);
}

/** Everything about one node, as plain data (for the inspector's node panel). O(node size). */
export function readNode(core: StoreCore, address: AddressView): NodeView {
  checkOpen(core);
  const a = addressFromView(address);
  if (a.offset < DATA_START || a.offset + a.length > core.end) throw new InvalidArgumentError(`no node at byte ${a.offset}`);
  const node = core.nodes.load(a);
  const base = node.kind === 'internal' ? core.nodes.chainOf(a) : [a];
  const baseAddr = base[base.length - 1];
  const payload = core.nodes.readBlock(baseAddr).subarray(BLOCK_HEADER_BYTES);
  const { prefix, stored } = storedKeysOf(payload, node.kind, core.nodes.withCounts);
  if (node.kind === 'leaf') {
    return {
      address: addressView(a), kind: 'leaf', level: 0, prefix, keys: node.keys.map((k) => Buffer.from(k)), stored,
      values: node.vals.map((v) => ({ length: v.length, large: v instanceof BlobRef })), children: [], buffer: [], chain: [],
      encodedBytes: a.length, fill: node.bytes / core.params.nodeSize, bufferBytes: 0, bufferFill: 0,
    };
  }
  const messages = [...node.rdels, ...node.msgs];
  return {
    address: addressView(a), kind: 'internal', level: node.level, prefix, keys: node.pivots.map((k) => Buffer.from(k)),
    // Pivots are stored in the base block; the journal only adds messages.
    stored: stored.length === node.pivots.length ? stored : node.pivots.map((k) => ({ shared: 0, suffix: Buffer.from(k) })),
    values: [], children: (node.children as Address[]).map(addressView),
    buffer: messages.map(messageView), chain: base.map(addressView), encodedBytes: base.reduce((s, x) => s + x.length, 0),
    fill: node.children.length / core.params.fanout, bufferBytes: node.bufBytes, bufferFill: node.bufBytes / core.params.bufferSize,
  };
}

/**
 * The root-to-leaf path a key takes, with the buffered messages on the path that touch it
 * (point messages for the key, range deletes covering it). O(height).
 */
export function pathOf(core: StoreCore, key: Uint8Array, ref?: number | string): { path: AddressView[]; messages: (MessageView & { at: AddressView })[] } {
  const k = asKey(key);
  const v = ref === undefined ? resolveVersion(core, branchEntry(core, core.defaultBranch).head) : resolveVersion(core, ref);
  const path: AddressView[] = [];
  const messages: (MessageView & { at: AddressView })[] = [];
  let a: Address = v.root;
  for (;;) {
    path.push(addressView(a));
    const node = core.nodes.load(a);
    if (node.kind === 'leaf') break;
    const i = findMsg(node.msgs, k);
    if (i >= 0) messages.push({ ...messageView(node.msgs[i]), at: addressView(a) });
    if (rdelCovers(node.rdels, k)) for (const r of node.rdels) if (rdelCovers([r], k)) messages.push({ ...messageView(r), at: addressView(a) });
    a = node.children[upperBound(node.pivots, k)] as Address;
  }
  return { path, messages };
}

/**
 * Walks every node of a version (default branch head): nodes per level, leaf fill, buffer
 * occupancy per level, records, large values, live vs dead bytes. O(nodes + records).
 */
export function analyze(core: StoreCore, onProgress?: (done: number, total: number) => void, ref?: number | string): TreeStats {
  checkOpen(core);
  const v = ref === undefined ? resolveVersion(core, branchEntry(core, core.defaultBranch).head) : resolveVersion(core, ref);
  const height = v.root.level + 1;
  const nodesPerLevel = new Array<number>(height).fill(0);
  const leafFill = new Array<number>(10).fill(0);
  const occ = Array.from({ length: height }, (_, level) => ({ level, nodes: 0, messages: 0, bytes: 0, fill: 0 }));
  let liveBytes = DATA_START;
  const large = { count: 0, bytes: 0 };
  let done = 0;
  const walk = (a: Address): void => {
    const node = core.nodes.load(a);
    const level = node.kind === 'leaf' ? 0 : node.level;
    nodesPerLevel[height - 1 - level]++;
    if (node.kind === 'leaf') {
      liveBytes += a.length;
      leafFill[Math.min(9, Math.floor((node.bytes / core.params.nodeSize) * 10))]++;
      for (const val of node.vals) {
        if (val instanceof BlobRef) {
          large.count++;
          large.bytes += val.length;
          liveBytes += val.length + Math.ceil(val.length / (1024 * 1024)) * (BLOCK_HEADER_BYTES + 16) + 64;
        }
      }
    } else {
      liveBytes += chainBytesOf(core, a);
      const o = occ[height - 1 - level];
      o.nodes++;
      o.messages += node.msgs.length + node.rdels.length;
      o.bytes += node.bufBytes;
      for (const c of node.children) walk(c as Address);
    }
    done++;
    if (onProgress && done % 256 === 0) onProgress(done, 0);
  };
  walk(v.root);
  for (const o of occ) o.fill = o.nodes ? o.bytes / (o.nodes * core.params.bufferSize) : 0;
  const records = new ReadView(core.nodes, v.root, v.id).count();
  onProgress?.(done, done);
  return {
    height, nodesPerLevel, leafFill, bufferOccupancy: occ.filter((o) => o.nodes > 0), records,
    liveBytes, deadBytes: Math.max(0, core.end - liveBytes), largeValues: large,
  };
}

/** Bytes of a node: its block, or for a journalled internal node its whole chain. O(chain length). */
export function chainBytesOf(core: StoreCore, a: Address): number {
  if (a.kind !== BlockKind.Delta) return a.length;
  return core.nodes.chainOf(a).reduce((s, x) => s + x.length, 0);
}

