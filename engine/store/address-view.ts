/** Addresses as plain data (what the inspector and the API hand out) and back. */
import { BLOCK_KIND_NAMES, BlockKind, type Address } from '../format/address';
import { InvalidArgumentError } from '../errors';
import type { AddressView } from './store-types';

/** An address as plain data. O(1). */
export function addressView(a: Address): AddressView {
  return { offset: a.offset, length: a.length, kind: BLOCK_KIND_NAMES[a.kind] ?? `kind-${a.kind}`, level: a.level, checksum: a.checksum };
}

const KIND_BY_NAME: Record<string, BlockKind> = { leaf: BlockKind.Leaf, internal: BlockKind.Internal, delta: BlockKind.Delta };

/** A node address from plain data a caller gave (InvalidArgumentError when it is not one). O(1). */
export function addressFromView(a: AddressView): Address {
  const kind = KIND_BY_NAME[a.kind];
  if (kind === undefined) throw new InvalidArgumentError(`not a node address kind: ${a.kind}`);
  for (const f of ['offset', 'length', 'level', 'checksum'] as const) {
    if (!Number.isInteger(a[f]) || a[f] < 0) throw new InvalidArgumentError(`address ${f} must be a non-negative integer`);
  }
  return { offset: a.offset, length: a.length, kind, level: a.level, checksum: a.checksum };
}
