/**
 * The window: a left nav, a header naming the open file, and the views. Views stay mounted
 * once shown so switching back keeps their scroll position, filters and expanded nodes.
 */
import { useEffect, useState, type DragEvent, type ReactNode } from 'react';
import type { Theme } from '../../../app/contract';
import { useConnectionState, useTransport } from '../api/hooks';
import { Segmented } from '../components/Empty';
import { IconLock, IconMonitor, IconMoon, IconOpen, IconOverview, IconRecords, IconSun, IconTree, IconX, LogoMark } from '../components/Icons';
import { baseName, dirName, formatBytes, formatCount } from '../lib/format';
import { DiffIcon } from '../views/diff/DiffIcon';
import { DiffView } from '../views/diff/DiffView';
import { LocksView } from '../views/locks/LocksView';
import { LineageIcon } from '../views/lineage/LineageIcon';
import { LineageView } from '../views/lineage/LineageView';
import { MergeIcon } from '../views/merge/MergeIcon';
import { MergeView } from '../views/merge/MergeView';
import { TimeTravelBanner } from '../views/lineage/TimeTravelBanner';
import { OverviewView } from '../views/overview/OverviewView';
import { RecordsView } from '../views/records/RecordsView';
import { TreeView } from '../views/tree/TreeView';
import { WelcomeView } from '../views/welcome/WelcomeView';
import { useSession, type ViewName } from './session';
import { useTheme } from './theme';

const NAV: readonly { view: ViewName; label: string; icon: ReactNode; needsStore: boolean; shortcut: string }[] = [
  { view: 'welcome', label: 'Open', icon: <IconOpen />, needsStore: false, shortcut: '1' },
  { view: 'overview', label: 'Overview', icon: <IconOverview />, needsStore: true, shortcut: '2' },
  { view: 'records', label: 'Records', icon: <IconRecords />, needsStore: true, shortcut: '3' },
  { view: 'tree', label: 'Tree', icon: <IconTree />, needsStore: true, shortcut: '4' },
  { view: 'lineage', label: 'Lineage', icon: <LineageIcon />, needsStore: true, shortcut: '5' },
  { view: 'diff', label: 'Diff', icon: <DiffIcon />, needsStore: true, shortcut: '6' },
  { view: 'merge', label: 'Merge', icon: <MergeIcon />, needsStore: true, shortcut: '8' },
  { view: 'locks', label: 'Locks', icon: <IconLock />, needsStore: true, shortcut: '7' },
];

const THEMES: readonly { value: Theme; label: ReactNode; title: string }[] = [
  { value: 'system', label: <IconMonitor size={14} />, title: 'Follow the system theme' },
  { value: 'light', label: <IconSun size={14} />, title: 'Light theme' },
  { value: 'dark', label: <IconMoon size={14} />, title: 'Dark theme' },
];

export function App() {
  const session = useSession();
  const transport = useTransport();
  const theme = useTheme();
  const { store, view, navigate } = session;
  const [mounted, setMounted] = useState<ReadonlySet<ViewName>>(new Set(['welcome']));
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    setMounted((m) => (m.has(view) ? m : new Set([...m, view])));
  }, [view]);
  // Alt+1..4 switch views; Ctrl/Cmd+O goes to Open.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && !e.ctrlKey && !e.metaKey) {
        const item = NAV.find((n) => n.shortcut === e.key);
        if (item && (!item.needsStore || store)) {
          e.preventDefault();
          navigate(item.view);
        }
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'o' && !e.shiftKey) {
        e.preventDefault();
        navigate('welcome');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, store]);

  // Drag and drop a store file onto the window (Electron grants it; the page never sees a path it could forge).
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file && transport.grantDroppedFile) {
      void transport.grantDroppedFile(file).then((ref) => session.open(ref), () => undefined);
    }
  };

  const views: { name: ViewName; el: ReactNode }[] = [
    { name: 'welcome', el: <WelcomeView /> },
    ...(store
      ? [
          // Time travel remounts the Overview so its walk reads the chosen version.
          { name: 'overview' as const, el: <OverviewView key={`${store.storeId}@${session.at?.version ?? 'head'}`} /> },
          { name: 'records' as const, el: <RecordsView key={store.storeId} /> },
          { name: 'tree' as const, el: <TreeView key={store.storeId} /> },
          { name: 'lineage' as const, el: <LineageView key={store.storeId} /> },
          { name: 'diff' as const, el: <DiffView key={store.storeId} /> },
          { name: 'merge' as const, el: <MergeView key={store.storeId} /> },
          { name: 'locks' as const, el: <LocksView key={store.storeId} /> },
        ]
      : []),
  ];

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (transport.grantDroppedFile) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <nav className="nav" aria-label="Views">
        <div className="brand">
          <LogoMark size={22} />
          <span>Thunderhead</span>
        </div>
        <ul className="nav-list">
          {NAV.map((n) => {
            const disabled = n.needsStore && !store;
            return (
              <li key={n.view}>
                <button
                  type="button"
                  className={`nav-item${view === n.view ? ' active' : ''}`}
                  aria-current={view === n.view ? 'page' : undefined}
                  disabled={disabled}
                  title={disabled ? 'Open a store first' : `${n.label} (Alt+${n.shortcut})`}
                  onClick={() => navigate(n.view)}
                  data-testid={`nav-${n.view}`}
                >
                  {n.icon}
                  <span>{n.label}</span>
                  <kbd>{n.shortcut}</kbd>
                </button>
              </li>
            );
          })}
        </ul>
        <div className="nav-foot">
          <ConnectionBadge />
          <Segmented label="Theme" size="small" value={theme.preference} options={THEMES} onChange={theme.setPreference} />
        </div>
      </nav>
      <header className="header">
        <Header />
      </header>
      <main className="main">
        <ConnectionBanner />
        {store && view !== 'welcome' && <TimeTravelBanner />}
        {views.map(({ name, el }) =>
          mounted.has(name) || view === name ? (
            <section key={name} className="view" hidden={view !== name} aria-label={name} data-view={name}>
              {el}
            </section>
          ) : null,
        )}
      </main>
      {dragging && <div className="drop-overlay">Drop a store file to open it</div>}
    </div>
  );
}

function Header() {
  const { store, close, opening } = useSession();
  useEffect(() => {
    document.title = store ? `${baseName(store.path)} — Thunderhead` : 'Thunderhead';
  }, [store]);
  if (!store) {
    return (
      <div className="header-file">
        <span className="header-title">{opening ? `Opening ${baseName(opening)}…` : 'No store open'}</span>
      </div>
    );
  }
  const { info } = store;
  const reason =
    store.readOnlyReason === 'locked'
      ? `Read-only: process ${store.writer?.pid ?? info.writerPid ?? '?'}${store.writer?.host ? ` on ${store.writer.host}` : ''} is writing this file; new commits appear as they land`
      : store.readOnlyReason === 'file-permissions'
        ? 'Read-only: the file is not writable'
        : 'Opened read-only';
  return (
    <>
      <div className="header-file" title={store.path}>
        <span className="header-title" data-testid="file-name">
          {baseName(store.path)}
        </span>
        <span className="header-path mono">
          <span className="ltr">{dirName(store.path)}</span>
        </span>
        {store.readOnly ? (
          <span className={`badge${store.readOnlyReason === 'locked' ? ' badge-warn' : ''}`} title={reason} data-testid="readonly-badge">
            <IconLock size={12} /> {store.readOnlyReason === 'locked' ? 'Read-only · live' : 'Read-only'}
          </span>
        ) : (
          <span className="badge badge-danger" title="Edit mode: staged changes are written when you commit them" data-testid="editing-badge">
            Editing
          </span>
        )}
        {info.damage && (
          // Opened read-only up to damage behind the last checkpoint: commits after it are not shown.
          <span className="badge badge-danger" title={info.damage.message} data-testid="damage-badge" role="status">
            Damaged · commits after byte {formatCount(info.damage.offset)} not shown
          </span>
        )}
      </div>
      <div className="header-facts">
        <Fact label="On disk" value={formatBytes(info.diskBytes)} title={`File size on disk: ${formatBytes(info.fileSize)} used + ${formatBytes(info.diskBytes - info.fileSize)} preallocated tail`} />
        <Fact label="Version" value={`#${formatCount(info.head.id)}`} />
        <Fact label="Branch" value={info.branch} />
        <Fact label="Height" value={String(info.height)} />
        <button type="button" className="btn btn-ghost btn-icon" title="Close this store" onClick={close} aria-label="Close store">
          <IconX />
        </button>
      </div>
    </>
  );
}

function Fact({ label, value, title }: { label: string; value: string; title?: string }) {
  return (
    <span className="fact" title={title}>
      <span className="fact-label">{label}</span>
      <span className="fact-value mono">{value}</span>
    </span>
  );
}

function ConnectionBadge() {
  const transport = useTransport();
  const state = useConnectionState();
  const host = transport.kind === 'electron' ? 'Desktop app' : 'Local server';
  const label = state === 'open' ? host : state === 'unauthorized' ? 'Token refused' : state === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
  return (
    <div className={`conn conn-${state}`} title={state === 'open' ? `Connected (${host})` : label} role="status">
      <span className="conn-dot" />
      <span>{label}</span>
    </div>
  );
}

/** Says so when the serve host is unreachable for more than a moment (never in Electron). */
function ConnectionBanner() {
  const state = useConnectionState();
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (state === 'open') {
      setShow(false);
      return;
    }
    const t = setTimeout(() => setShow(true), 2000);
    return () => clearTimeout(t);
  }, [state]);
  if (!show || state === 'open') return null;
  return (
    <div className="conn-banner" role="alert">
      {state === 'unauthorized'
        ? 'This page has no token the inspector host accepts. Open the URL that `thunderhead serve` printed (it carries the token).'
        : 'Cannot reach the inspector host; retrying. If you restarted `thunderhead serve`, open the new URL it printed.'}
    </div>
  );
}
