/**
 * "Compare with version …" for the tree drawing: asks `diff.structure` which nodes the shown
 * version shares with another one, and colours the drawing (shared vs only in this version),
 * with a legend that also counts the nodes only the other version has (not drawn here). The
 * picture of why a diff is fast: it never enters the grey subtrees.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type { DiffStructureResult } from '../../../../app/contract';
import { useCall } from '../../api/hooks';
import type { ApiError } from '../../api/transport';
import { IconX } from '../../components/Icons';
import { formatCount } from '../../lib/format';
import { parseVersionRef, useVersionOptions, VersionPicker } from '../diff/VersionPicker';
import type { TreeItem } from './model';
import { overlaySides, type OverlaySide } from './overlay';
import './overlay.css';

/** Most nodes of a structural diff the overlay asks for (upper levels come first). */
const OVERLAY_NODES = 20_000;

/** The overlay's state for the drawing. */
export interface StructureOverlay {
  /** The version compared with (as typed), or null when off. */
  readonly against: string | null;
  readonly setAgainst: (ref: string | null) => void;
  readonly result: DiffStructureResult | undefined;
  readonly error: ApiError | null;
  readonly loading: boolean;
  /** Drawn node id → side; empty when off. */
  readonly sides: ReadonlyMap<string, OverlaySide>;
}

/** Fetches the structural diff between `against` and the shown `version`, mapped onto the drawn items. */
export function useStructureOverlay(storeId: string, version: number | undefined, items: ReadonlyMap<string, TreeItem>): StructureOverlay {
  const [against, setAgainst] = useState<string | null>(null);
  const q = useCall('diff.structure', against !== null && version !== undefined ? { storeId, a: against, b: version, limit: OVERLAY_NODES } : null, { staleTime: Infinity });
  const result = against !== null ? q.data : undefined;
  const sides = useMemo(() => (result ? overlaySides(items, result.nodes) : new Map<string, OverlaySide>()), [result, items]);
  return { against, setAgainst, result, error: against !== null ? q.error : null, loading: against !== null && q.isLoading, sides };
}

/** The toolbar control: a version picker and Compare / Clear. */
export function CompareControl({ storeId, overlay }: { storeId: string; overlay: StructureOverlay }) {
  const options = useVersionOptions(storeId);
  const [draft, setDraft] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    overlay.setAgainst(parseVersionRef(draft));
  };
  return (
    <form className="tree-compare" onSubmit={submit} aria-label="Compare the tree with another version">
      <VersionPicker label="Compare with" value={draft} onChange={setDraft} options={options} invalid={overlay.error?.code === 'VERSION_NOT_FOUND'} testId="tree-compare" placeholder="version…" />
      <button type="submit" className="btn btn-small" disabled={!draft.trim()} data-testid="tree-compare-apply">
        Compare
      </button>
      {overlay.against !== null && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => {
            overlay.setAgainst(null);
            setDraft('');
          }}
          title="Remove the comparison colours"
        >
          <IconX size={14} /> Clear
        </button>
      )}
    </form>
  );
}

/** The strip under the toolbar: what the colours mean and how many nodes each side has. */
export function OverlayLegend({ overlay, version }: { overlay: StructureOverlay; version: number | undefined }) {
  if (overlay.against === null) return null;
  if (overlay.error) return <div className="search-strip"><span className="danger small">Compare: {overlay.error.message}</span></div>;
  const r = overlay.result;
  if (!r) return <div className="search-strip"><span className="small dim">Comparing the trees…</span></div>;
  const other = overlay.against === `#${r.a}` ? `#${r.a}` : `${overlay.against} (#${r.a})`;
  return (
    <div className="search-strip tree-overlay-legend" data-testid="tree-overlay-legend">
      {r.a === r.b ? (
        <span className="small">This is version {other} itself: every node is shared.</span>
      ) : (
        <>
          <span className="small">
            <i className="sw sw-cmp-shared" /> shared with {other}: {formatCount(r.counts.shared)} subtree root{r.counts.shared === 1 ? '' : 's'} (the diff skips them)
          </span>
          <span className="small">
            <i className="sw sw-cmp-right" /> only in this version (#{version ?? r.b}): {formatCount(r.counts.right)} node{r.counts.right === 1 ? '' : 's'}
          </span>
          <span className="small">
            <i className="sw sw-cmp-left" /> only in {other}: {formatCount(r.counts.left)} node{r.counts.left === 1 ? '' : 's'} (not drawn)
          </span>
          {r.nextOffset !== null && <span className="small dim">· first {formatCount(r.nodes.length)} nodes coloured</span>}
        </>
      )}
    </div>
  );
}
