/**
 * An explicit Level snapshot: a Thunderhead read view of the version that was the head when
 * the snapshot was taken. Copy-on-write keeps that version's nodes on disk (until a compaction
 * drops the version), so holding a snapshot costs nothing but the view object.
 */
import { AbstractSnapshot } from 'abstract-level';
import type { ReadView } from '../engine/index';

// abstract-level's typings omit the constructor's options ({ owner }), which the JS requires.
const SnapshotBase = AbstractSnapshot as unknown as new (options: { readonly owner: unknown }) => AbstractSnapshot;

/** A snapshot of a {@link ThunderheadLevel}: reads through it see one fixed version. O(1) to create. */
export class ThunderheadSnapshot extends SnapshotBase {
  /** The read view every read through this snapshot uses. */
  readonly view: ReadView;

  constructor(options: { readonly owner: unknown }, view: ReadView) {
    super(options);
    this.view = view;
  }
}

/** The read view of a snapshot option, or null when there is none (read the head). O(1). */
export function snapshotView(snapshot: unknown): ReadView | null {
  return snapshot instanceof ThunderheadSnapshot ? snapshot.view : null;
}
