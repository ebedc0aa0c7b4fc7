/**
 * Locks: attach to the process writing the open store (its monitor advert sits beside the file)
 * and watch its locks live: the grouped lock table, the waits-for graph with deadlock cycles and
 * victims, the wait timeline and the most contended ranges. Pause freezes the picture; the
 * scrubber moves back through the last minutes of frames kept in a ring buffer.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { DeadlockData, LockAttachResult, MonitorDiscovery } from '../../../../app/contract';
import { useServiceEvent, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconLock, IconPlay, IconRefresh, IconX } from '../../components/Icons';
import { Spinner } from '../../components/Progress';
import { baseName, formatCount, formatTime } from '../../lib/format';
import { useOpenStore, useSession } from '../../shell/session';
import { DeadlockList } from './DeadlockList';
import { graphWith } from './frames';
import { HeatStrip } from './HeatStrip';
import { formatDuration } from './labels';
import { LockTable } from './LockTable';
import { useLockStream, type LockStream } from './useLockStream';
import { WaitsForGraph } from './WaitsForGraph';
import { WaitTimeline } from './WaitTimeline';
import './locks.css';

/** How often the view looks for a monitor beside the file while not attached (ms). */
const DISCOVER_MS = 3000;

export function LocksView() {
  const store = useOpenStore();
  const session = useSession();
  const transport = useTransport();
  const [discovery, setDiscovery] = useState<MonitorDiscovery | null>(null);
  const [discoverError, setDiscoverError] = useState<ApiError | null>(null);
  const [attachment, setAttachment] = useState<LockAttachResult | null>(null);
  const [attaching, setAttaching] = useState(false);
  const [attachError, setAttachError] = useState<ApiError | null>(null);
  const [detached, setDetached] = useState<string | null>(null);
  const attachmentRef = useRef<LockAttachResult | null>(null);
  attachmentRef.current = attachment;

  const discover = useCallback(async () => {
    try {
      setDiscovery(await transport.call('locks.discover', { storeId: store.storeId }));
      setDiscoverError(null);
    } catch (e) {
      setDiscoverError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 'locks.discover'));
    }
  }, [transport, store.storeId]);

  // Look for a monitor while not attached (a workload may start after the file was opened).
  useEffect(() => {
    if (attachment) return;
    void discover();
    const t = setInterval(() => void discover(), DISCOVER_MS);
    return () => clearInterval(t);
  }, [attachment, discover]);

  const attach = useCallback(async () => {
    setAttaching(true);
    setAttachError(null);
    setDetached(null);
    try {
      setAttachment(await transport.call('locks.attach', { storeId: store.storeId }));
    } catch (e) {
      setAttachError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e), 'locks.attach'));
      void discover();
    } finally {
      setAttaching(false);
    }
  }, [transport, store.storeId, discover]);

  const detach = useCallback(() => {
    const a = attachmentRef.current;
    if (a) void transport.call('locks.detach', { attachmentId: a.attachmentId }).catch(() => undefined);
    setAttachment(null);
    setDetached(null);
  }, [transport]);

  // Leaving the store (or the app) detaches.
  useEffect(
    () => () => {
      const a = attachmentRef.current;
      if (a) void transport.call('locks.detach', { attachmentId: a.attachmentId }).catch(() => undefined);
    },
    [transport],
  );

  useServiceEvent('lock.detached', (e) => {
    if (e.attachmentId === attachmentRef.current?.attachmentId) setDetached(e.reason);
  });

  // "Contention demo" from the Welcome view: attach as soon as the view mounts.
  const intent = session.intent;
  const handled = useRef(0);
  useEffect(() => {
    if (!intent || intent.kind !== 'locks.attach' || handled.current === intent.id || attachment) return;
    handled.current = intent.id;
    void attach();
  }, [intent, attach, attachment]);

  const stream = useLockStream(attachment?.attachmentId ?? null, detached === null, session.view === 'locks');

  if (!attachment) {
    return (
      <div className="locks scroll">
        <div className="locks-attach">
          <div className="card">
            <div className="card-title">
              <IconLock /> Lock monitor
            </div>
            {discovery === null && !discoverError && <Spinner label={`Looking for a monitor beside ${baseName(store.path)}…`} />}
            {discoverError && <ErrorPanel error={discoverError} path={store.path} compact />}
            {discovery?.status === 'live' && (
              <>
                <p>
                  Process <strong className="mono">{discovery.pid}</strong>
                  {discovery.hostname ? ` on ${discovery.hostname}` : ''} is writing this file with its lock monitor on
                  {discovery.startedAt ? ` (since ${formatTime(discovery.startedAt)})` : ''}. Attaching is read-only: the monitor cannot change anything.
                </p>
                <button type="button" className="btn btn-primary" onClick={() => void attach()} disabled={attaching} data-testid="locks-attach">
                  <IconPlay size={14} /> {attaching ? 'Attaching…' : 'Attach'}
                </button>
              </>
            )}
            {discovery?.status === 'stale' && (
              <div className="notice" data-testid="locks-stale">
                A monitor advert is beside the file, but its process is gone{discovery.pid ? ` (pid ${discovery.pid})` : ''}: {discovery.staleReason ?? 'it does not answer'}.
              </div>
            )}
            {discovery?.status === 'absent' && (
              <div className="dim" data-testid="locks-absent">
                <p>No process is monitoring this file's locks. Start a workload on it, or use the contention demo on the Open view:</p>
                <pre className="mono small locks-cmd">thunderhead workload {store.path} --clients 8 --deadlocks</pre>
              </div>
            )}
            {attachError && <ErrorPanel error={attachError} path={store.path} compact />}
            {discovery && (
              <button type="button" className="btn btn-small btn-ghost" onClick={() => void discover()}>
                <IconRefresh size={14} /> Look again
              </button>
            )}
          </div>
        </div>
      </div>
    );
  }

  return <Attached attachment={attachment} stream={stream} detached={detached} onDetach={detach} onReattach={() => void attach()} stopDemo={session.demo?.path === store.path ? <StopDemo /> : null} />;
}

/** Stops this tab's contention demo (its workload, and the temporary copy it writes). */
function StopDemo() {
  const transport = useTransport();
  const session = useSession();
  const [stopping, setStopping] = useState(false);
  const stop = async () => {
    setStopping(true);
    try {
      await transport.call('locks.stopDemo', {});
      session.setDemo(null);
    } catch {
      // The demo may have ended on its own meanwhile; `lock.demoEnded` clears it either way.
    } finally {
      setStopping(false);
    }
  };
  return (
    <button type="button" className="btn btn-small btn-stop-demo" onClick={() => void stop()} disabled={stopping} title="Stop the demo workload and remove its temporary copy of the demo store" data-testid="locks-stop-demo">
      <span className="pause-icon stop-icon" aria-hidden="true" /> {stopping ? 'Stopping…' : 'Stop demo'}
    </button>
  );
}

function Attached({ attachment, stream, detached, onDetach, onReattach, stopDemo }: { attachment: LockAttachResult; stream: LockStream; detached: string | null; onDetach: () => void; onReattach: () => void; stopDemo: ReactNode }) {
  const [picked, setPicked] = useState<DeadlockData | null>(null);
  const frame = stream.shown?.frame ?? null;
  // A deadlock picked from the list stays pinned only on frames at or after it: scrubbing back
  // to before it happened shows that moment's graph and list, not a cycle from its future.
  const pinned = picked !== null && frame !== null && picked.at <= frame.at ? picked : null;
  const stats = stream.stats;
  const live = !stream.paused && detached === null;
  return (
    <div className="locks">
      <div className="toolbar locks-bar">
        <span className={`badge ${detached ? 'badge-danger' : live ? 'badge-live' : 'badge-warn'}`} data-testid="locks-state">
          <span className="live-dot" /> {detached ? 'Detached' : live ? 'Live' : 'Paused'}
        </span>
        <span className="small dim mono" title={attachment.path} data-testid="locks-bar-path">
          pid {attachment.pid} · {baseName(attachment.path)}
        </span>
        {stream.paused ? (
          <button type="button" className="btn btn-small btn-primary" onClick={stream.resume} data-testid="locks-resume" disabled={detached !== null}>
            <IconPlay size={14} /> Resume
          </button>
        ) : (
          <button type="button" className="btn btn-small" onClick={stream.pause} data-testid="locks-pause" disabled={stream.range.size === 0}>
            <span className="pause-icon" aria-hidden="true" /> Pause
          </button>
        )}
        <Scrubber stream={stream} />
        <span className="grow" />
        {detached === null && stopDemo}
        {detached ? (
          <button type="button" className="btn btn-small" onClick={onReattach}>
            <IconRefresh size={14} /> Attach again
          </button>
        ) : (
          <button type="button" className="btn btn-small btn-ghost" onClick={onDetach} title="Stop watching this process" data-testid="locks-detach">
            <IconX size={14} /> Detach
          </button>
        )}
      </div>
      <div className="toolbar toolbar-2 locks-facts small" data-testid="locks-facts">
        <Fact label="Held" value={stats ? formatCount(stats.held) : '—'} />
        <Fact label="Waiting" value={stats ? formatCount(stats.waiting) : '—'} warn={(stats?.waiting ?? 0) > 0} />
        <Fact label="Transactions" value={frame ? formatCount(frame.totals.transactions) : '—'} />
        <Fact label="Ranges" value={frame ? formatCount(frame.totals.groups) : '—'} />
        <Fact label="Events/s" value={frame ? formatCount(Math.round(frame.rate)) : '—'} />
        <Fact label="Deadlocks" value={stats ? formatCount(stats.deadlocks) : '—'} danger={(stats?.deadlocks ?? 0) > 0} />
        <Fact label="Timeouts" value={stats ? formatCount(stats.timeouts) : '—'} warn={(stats?.timeouts ?? 0) > 0} />
        {frame && frame.dropped > 0 && <span className="warn">{`${frame.dropped} event batches dropped`}</span>}
      </div>
      {detached && <div className="notice small locks-notice">{`The monitored process stopped: ${detached}. What was recorded stays below; scrub through it.`}</div>}
      {stream.error && !detached && <div className="inline-error small">{`Lock table: ${stream.error.message}`}</div>}
      {!frame ? (
        <div className="pad" data-testid="locks-no-frame">
          {detached ? (
            <div className="dim">Nothing was recorded before the process stopped: it exited before the first lock table arrived.</div>
          ) : stream.error ? (
            <div className="dim">No lock table yet: the monitor did not answer (see above). It is asked again every moment.</div>
          ) : (
            <Spinner label="Reading the lock table…" />
          )}
        </div>
      ) : (
        <div className="locks-body">
          <section className="locks-pane locks-table-pane" aria-label="Lock table">
            <div className="pane-title">
              Lock table <span className="dim small">grouped by key range · {formatCount(frame.totals.locks)} locks</span>
              {stream.pageIsLive && <span className="tag tag-warn">rows read live</span>}
            </div>
            <LockTable page={stream.page} onWindow={stream.setWindow} pageIsLive={stream.pageIsLive} />
          </section>
          <section className="locks-pane locks-graph-pane" aria-label="Waits-for graph">
            <div className="pane-title">
              Waits-for graph <span className="dim small">arrow: waits for · red: deadlock cycle</span>
            </div>
            <div className="locks-graph-row">
              <WaitsForGraph graph={graphWith(frame, pinned)} truncated={frame.graphTruncated} />
              <aside className="locks-deadlocks" aria-label="Recent deadlocks">
                <div className="pane-subtitle">Recent deadlocks</div>
                <DeadlockList deadlocks={frame.deadlocks} now={frame.at} picked={pinned} onPick={setPicked} total={frame.stats.deadlocks} />
              </aside>
            </div>
          </section>
          <section className="locks-pane locks-heat-pane" aria-label="Most contended ranges">
            <div className="pane-title">
              Most contended ranges <span className="dim small">over the locked key space</span>
            </div>
            <HeatStrip cells={frame.heat} hottest={frame.hottest} />
          </section>
          <section className="locks-pane locks-timeline-pane" aria-label="Wait timeline">
            <div className="pane-title">
              Wait timeline <span className="dim small">last {formatDuration(frame.lanes.windowEnd - frame.lanes.windowStart)}</span>
            </div>
            <WaitTimeline lanes={frame.lanes} />
          </section>
        </div>
      )}
    </div>
  );
}

function Fact({ label, value, warn, danger }: { label: string; value: string; warn?: boolean; danger?: boolean }) {
  return (
    <span className="fact">
      <span className="fact-label">{label}</span>
      <span className={`fact-value mono${danger ? ' danger' : warn ? ' warn' : ''}`}>{value}</span>
    </span>
  );
}

/** The scrubber: a slider over the frames in the ring; moving it pauses on that frame. */
function Scrubber({ stream }: { stream: LockStream }) {
  const { first, last, size, firstAt, lastAt } = stream.range;
  const shown = stream.shown;
  const label =
    size === 0 || !shown
      ? ''
      : stream.paused
        ? `${formatTime(shown.frame.at).slice(11)} · ${lastAt > shown.frame.at ? `${formatDuration(lastAt - shown.frame.at)} behind` : 'newest'}`
        : `recording the last ${formatDuration(lastAt - firstAt)}`;
  return (
    <label className="scrubber small">
      <input
        type="range"
        min={first}
        max={Math.max(first, last)}
        step={1}
        value={shown?.n ?? last}
        disabled={size < 2}
        onChange={(e) => stream.seek(Number(e.target.value))}
        aria-label="Scrub through the recorded frames"
        data-testid="locks-scrubber"
      />
      <span className="dim mono scrubber-label" data-testid="locks-scrub-label">{label}</span>
    </label>
  );
}
