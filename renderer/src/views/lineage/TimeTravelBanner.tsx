/**
 * Says, above every store view, that the views show an older version rather than the head,
 * and takes the user back. Shown only while the session time-travels.
 */
import { formatCount } from '../../lib/format';
import { useSession } from '../../shell/session';
import './lineage.css';

/** "Viewing version N (snapshot …) — Back to head". */
export function TimeTravelBanner() {
  const { at, travel, store, navigate } = useSession();
  if (!at || !store) return null;
  const names = at.names.length ? ` (${at.names.join(', ')})` : '';
  return (
    <div className="time-travel-banner" role="status" data-testid="time-travel-banner">
      <span className="time-travel-dot" aria-hidden="true" />
      <span>
        Viewing version <strong className="mono">#{formatCount(at.version)}</strong>
        {names}
        {at.version === store.info.head.id ? ' — the current head, pinned' : ` — head is #${formatCount(store.info.head.id)}`}
      </span>
      <span className="grow" />
      <button type="button" className="btn btn-small btn-ghost" onClick={() => navigate('lineage')}>
        Show in lineage
      </button>
      <button type="button" className="btn btn-small btn-primary" onClick={() => travel(null)} data-testid="back-to-head">
        Back to head
      </button>
    </div>
  );
}
