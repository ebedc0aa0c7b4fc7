/**
 * Thunderhead's engine: an embedded, persistent, copy-on-write hitchhiker B+tree in one file.
 * This module is the engine's public API; nothing else in engine/ is imported from outside.
 */
export {
  Store, DEFAULT_PARAMS,
  type StoreOptions, type OpenOptions, type VersionInfo, type SnapshotInfo, type BranchInfo, type AddressView,
  type MessageView, type NodeView, type DiffChange, type DiffOptions, type DiffSummary, type StoreInfo, type StoreDamage, type TreeStats, type VerifyReport, type StoreEvents,
} from './store/store';
export { SubtreeView } from './store/subtree-view';
export { automaticSnapshotName, retainedAutomaticSnapshots, type SnapshotPolicy, type SnapshotPolicyInput } from './store/snapshot-policy';
export { DEFAULT_KEEP, type CompactOptions, type CompactResult, type CompactionPhase, type CompactionProgress, type SpaceUsage } from './store/compact';
export { watch, type WatchEvent, type WatchListener, type WatchRange } from './watch/index';
export { Transaction, type CommitOptions, type CommitInfo } from './store/transaction';
export { ReadView, MAX_KEY_BYTES, type Entry, type RangeOptions } from './store/read-view';
export type { IoCounters } from './store/file';
export type { Problem } from './tree/verify';
export { prefixEnd } from './tree/keys';
// Loading engine/merge/ installs the merge behind Store.merge, mergeBase and cherryPick (store/merge-hook.ts).
import './merge/provide-merge';
export type { MergeChoice, MergeConflict, MergeConflictKind, MergeResolver, MergedChange, MergeResult, MergeOptions, CherryPickOptions } from './store/merge-types';
export * from './errors';
export * from './records/index';
export * from './range-locks/index';
export * from './query/index';
