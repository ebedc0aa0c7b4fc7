/**
 * Engine objects → the contract's plain data. Bytes become hex with their decoded form beside
 * them; nothing here returns a Buffer or a class instance, so results survive structured clone
 * (IPC) and JSON (WebSocket) unchanged.
 */
import type {
  AddressData,
  BufferedMessageView,
  Json,
  KeyView,
  NodeData,
  StoreInfoData,
  ValueView,
  VersionData,
} from '../contract';
import { decodeKeyJson, decodeValueJson } from './engine';
import { partialKey } from './partial-key';
import { diskBytes } from './sizes';
import { runnableHints } from '../cli/invocation';
import type { AddressView, NodeView, StoreInfo, VersionInfo } from './engine';

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string (the contract's schemas have already checked it is hex). */
export function fromHex(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/**
 * A key with its tuple decoding, or `decoded: false` for raw byte keys, with what decodes of a
 * key cut mid-element (a pivot) as `partial`. O(key length).
 */
export function keyView(key: Uint8Array): KeyView {
  const hex = toHex(key);
  try {
    const { json, decoded } = decodeKeyJson(key);
    if (decoded) return { hex, json, decoded, length: key.length };
  } catch {
    // Not a tuple: fall through to the partial decoding.
  }
  const partial = partialKey(key);
  return partial ? { hex, json: null, decoded: false, length: key.length, partial } : { hex, json: null, decoded: false, length: key.length };
}

/** Limits for {@link truncateJson}; page rows use the defaults, full values none. */
export interface JsonLimits {
  readonly stringChars: number;
  readonly items: number;
  readonly depth: number;
}

/** Preview limits: enough to recognise a value in a row, small enough for 1000 rows a page. */
export const PREVIEW_LIMITS: JsonLimits = { stringChars: 200, items: 20, depth: 6 };

/**
 * A value view. `value` undefined means "not loaded" (a large value in a page); `limits` cut
 * the decoded JSON and `hexBytes` the hex.
 */
export function valueView(
  value: Uint8Array | undefined,
  length: number,
  large: boolean,
  hexBytes: number,
  limits?: JsonLimits,
): ValueView {
  if (value === undefined) {
    return { length, large, loaded: false, hex: '', hexTruncated: length > 0, json: null, decoded: false, jsonTruncated: false };
  }
  const shown = value.length > hexBytes ? value.subarray(0, hexBytes) : value;
  const base = { length, large, loaded: true, hex: toHex(shown), hexTruncated: shown.length < length };
  try {
    const { json, decoded } = decodeValueJson(value);
    if (!decoded) return { ...base, json: null, decoded: false, jsonTruncated: false, decodeError: 'not a Thunderhead (msgpack) value' };
    if (!limits) return { ...base, json, decoded: true, jsonTruncated: false };
    const cut = truncateJson(json, limits);
    return { ...base, json: cut.json, decoded: true, jsonTruncated: cut.truncated };
  } catch (error) {
    return { ...base, json: null, decoded: false, jsonTruncated: false, decodeError: oneLine(error) };
  }
}

/**
 * Cuts long strings, long arrays/objects and deep nesting so a preview stays small. Cut
 * places are marked in the data itself ('…' suffixes, a trailing '…' item, a '…' key) so the
 * UI shows them without extra bookkeeping.
 */
export function truncateJson(json: Json, limits: JsonLimits): { json: Json; truncated: boolean } {
  let truncated = false;
  const walk = (v: Json, depth: number): Json => {
    if (typeof v === 'string') {
      if (v.length <= limits.stringChars) return v;
      truncated = true;
      return `${v.slice(0, limits.stringChars)}…`;
    }
    if (v === null || typeof v !== 'object') return v;
    if (depth >= limits.depth) {
      truncated = true;
      return Array.isArray(v) ? ['…'] : { '…': '…' };
    }
    if (Array.isArray(v)) {
      const items = (v as readonly Json[]).slice(0, limits.items).map((x) => walk(x, depth + 1));
      if (v.length > limits.items) {
        truncated = true;
        items.push(`… ${v.length - limits.items} more`);
      }
      return items;
    }
    const entries = Object.entries(v as { readonly [key: string]: Json });
    const out: { [key: string]: Json } = {};
    for (const [k, x] of entries.slice(0, limits.items)) out[k] = walk(x, depth + 1);
    if (entries.length > limits.items) {
      truncated = true;
      out['…'] = `${entries.length - limits.items} more`;
    }
    return out;
  };
  return { json: walk(json, 0), truncated };
}

/** An engine address as plain data. */
export function addressData(a: AddressView): AddressData {
  // The engine types kind as an open string for forward compatibility; these three are all a tree holds.
  return { offset: a.offset, length: a.length, kind: a.kind as AddressData['kind'], level: a.level, checksum: a.checksum };
}

/** A version as plain data. */
export function versionData(v: VersionInfo): VersionData {
  return {
    id: v.id,
    parents: [...v.parents],
    branch: v.branch,
    time: v.time,
    message: v.message,
    root: addressData(v.root),
    stats: { puts: v.stats.puts, deletes: v.stats.deletes, rangeDeletes: v.stats.rangeDeletes, bytesWritten: v.stats.bytesWritten },
  };
}

/** Store info as plain data. */
export function infoData(i: StoreInfo): StoreInfoData {
  const base = {
    path: i.path,
    fileSize: i.fileSize,
    diskBytes: Math.max(i.fileSize, diskBytes(i.path, i.fileSize)),
    formatVersion: i.formatVersion,
    height: i.height,
    versions: i.versions,
    head: versionData(i.head),
    branch: i.branch,
    params: { nodeSize: i.params.nodeSize, fanout: i.params.fanout, bufferSize: i.params.bufferSize, blobThreshold: i.params.blobThreshold },
    readOnly: i.readOnly,
  };
  const withWriter = i.writerPid === null || i.writerPid === undefined ? base : { ...base, writerPid: i.writerPid };
  if (!i.damage) return withWriter;
  const message = `${i.damage.message}; showing the commits before byte ${i.damage.offset} (run \`thunderhead check ${i.path}\`)`;
  return { ...withWriter, damage: { offset: i.damage.offset, message: runnableHints(message) } };
}

/** A buffered message as plain data. */
export function messageView(m: NodeView['buffer'][number]): BufferedMessageView {
  const base = { op: m.op, key: keyView(m.key), seq: m.seq, valueLength: m.valueLength, large: m.large };
  // A deleteRange without an end runs to the end of the key space.
  return m.end === undefined || m.end === null ? base : { ...base, end: keyView(m.end) };
}

/** A node as plain data: every key decoded, every stored suffix as hex. */
export function nodeData(n: NodeView): NodeData {
  return {
    address: addressData(n.address),
    kind: n.kind,
    level: n.level,
    prefix: { hex: toHex(n.prefix), length: n.prefix.length },
    keys: n.keys.map(keyView),
    stored: n.stored.map((s) => ({ shared: s.shared, suffixHex: toHex(s.suffix) })),
    values: n.values.map((v) => ({ length: v.length, large: v.large })),
    children: n.children.map(addressData),
    buffer: n.buffer.map(messageView),
    chain: n.chain.map(addressData),
    encodedBytes: n.encodedBytes,
    fill: n.fill,
    bufferBytes: n.bufferBytes,
    bufferFill: n.bufferFill,
  };
}

/** First line of an error's message (never a stack). */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? '';
}
