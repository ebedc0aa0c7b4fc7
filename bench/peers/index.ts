/** Every peer the harness can run, by name. */
import { betterSqlitePeer } from './better-sqlite3';
import { classicLevelPeer } from './classic-level';
import { lmdbPeer } from './lmdb';
import { sortedBtreePeer } from './sorted-btree';
import { thunderheadPeer } from './thunderhead';
import type { PeerFactory, PeerName } from './types';

export type { ChangeKind, DiffSink, Peer, PeerFactory, PeerName, PeerOpenOptions, PeerSupport, ReadCalls, SnapshotHandle } from './types';
export { PEER_NAMES } from './types';

/** The factories, in table order (Thunderhead first, so ratios read against the row above). */
export const PEERS: Readonly<Record<PeerName, PeerFactory>> = {
  thunderhead: thunderheadPeer,
  lmdb: lmdbPeer,
  'classic-level': classicLevelPeer,
  'better-sqlite3': betterSqlitePeer,
  'sorted-btree': sortedBtreePeer,
};
