/**
 * The session: which store is open, which view shows, and requests one view makes of another
 * ("show this key in Records", "find this key in the tree"). Opening goes through `store.open`;
 * host events (menu, drag and drop, command line, commits landing) feed in here.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AppInfo, KeyInput, OpenResult, StoreInfoData } from '../../../app/contract';
import { invalidateStore, useCall, useServiceEvent, useTransport } from '../api/hooks';
import { ApiError } from '../api/transport';
import { UnsavedDialog, type UnsavedQuestion } from '../views/edit/UnsavedDialog';

export type ViewName = 'welcome' | 'overview' | 'records' | 'tree' | 'lineage' | 'diff' | 'merge' | 'locks';

/** A request to a view, with an id so the same request twice still triggers. */
export type Intent =
  | { readonly id: number; readonly kind: 'records.jump'; readonly key: KeyInput; readonly label: string }
  /** "Show the records under this prefix" (the key-space breakdown): the prefix as typed in tuple notation. */
  | { readonly id: number; readonly kind: 'records.prefix'; readonly prefix: string }
  | { readonly id: number; readonly kind: 'tree.find'; readonly key: KeyInput; readonly label: string }
  /** "Diff these two versions" (from the lineage): ids or snapshot/branch names. */
  | { readonly id: number; readonly kind: 'diff.versions'; readonly a: number | string; readonly b: number | string }
  /** "Merge this branch" (from the lineage): the Merge view previews `theirs` into `into`. */
  | { readonly id: number; readonly kind: 'merge.branch'; readonly theirs: string; readonly into?: string }
  /** "Cherry-pick this version" (from the lineage): the Merge view previews it onto `onto`. */
  | { readonly id: number; readonly kind: 'merge.cherryPick'; readonly version: number; readonly onto?: string }
  /** The Locks view attaches to the open store's monitor as soon as it shows (contention demo). */
  | { readonly id: number; readonly kind: 'locks.attach' };

/** Time travel: the version the Records, Tree and Overview views show instead of the head. */
export interface TimeTravel {
  readonly version: number;
  /** How people know it: snapshot and branch names pointing at it (may be empty). */
  readonly names: readonly string[];
}

type IntentInput = Intent extends infer I ? (I extends Intent ? Omit<I, 'id'> : never) : never;

export interface OpenStore extends OpenResult {
  /** Latest info (updated as commits land). */
  readonly info: StoreInfoData;
  /** Bumped on every `store.changed`, so views can say "updated". */
  readonly generation: number;
}

/**
 * A file to open: a handle the host granted (`file`, with its path for showing), or a typed
 * path (hosts that accept them: serve, inside its allowed places).
 */
export type OpenTarget = { readonly file: string; readonly path: string } | { readonly path: string };

/** This tab's contention demo (the Locks view offers Stop while it runs). */
export interface DemoState {
  readonly path: string;
  readonly file: string;
}

export interface Session {
  readonly appInfo: AppInfo | undefined;
  readonly store: OpenStore | null;
  readonly opening: string | null;
  readonly openError: { readonly path: string; readonly target: OpenTarget; readonly error: ApiError } | null;
  /** The contention demo this tab started, while it runs. */
  readonly demo: DemoState | null;
  setDemo(demo: DemoState | null): void;
  readonly closedNotice: string | null;
  readonly view: ViewName;
  readonly intent: Intent | null;
  /** Null: the views show the head (and follow new commits). */
  readonly at: TimeTravel | null;
  /** Browses as of a version (null: back to head). */
  travel(at: TimeTravel | null): void;
  open(target: OpenTarget, readOnly?: boolean): Promise<boolean>;
  /** Closes the store; asks first when changes are staged (does nothing if the person keeps them). */
  close(): Promise<void>;
  navigate(view: ViewName, intent?: IntentInput): void;
  clearOpenError(): void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The open store; views under the store-only routes can rely on it. */
export function useOpenStore(): OpenStore {
  const s = useSession();
  if (!s.store) throw new Error('no store is open');
  return s.store;
}

const LAST_PATH = 'thunderhead.lastPath';

export function SessionProvider({ children }: { children: ReactNode }) {
  const transport = useTransport();
  const client = useQueryClient();
  const appInfo = useCall('app.info', {}, { staleTime: Infinity }).data;
  const [store, setStore] = useState<OpenStore | null>(null);
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<Session['openError']>(null);
  const [closedNotice, setClosedNotice] = useState<string | null>(null);
  const [view, setView] = useState<ViewName>('welcome');
  const [intent, setIntent] = useState<Intent | null>(null);
  const [at, setAt] = useState<TimeTravel | null>(null);
  const [demo, setDemo] = useState<DemoState | null>(null);
  const intentId = useRef(0);
  const storeRef = useRef<OpenStore | null>(null);
  storeRef.current = store;
  const openSeq = useRef(0);
  // Staged changes of the open store (from `edit.state` events): closing or replacing it asks first.
  const staged = useRef({ changes: 0, keys: 0 });
  const [question, setQuestion] = useState<(UnsavedQuestion & { resolve: (discard: boolean) => void }) | null>(null);

  /** True when nothing staged would be lost, or the person chose to drop it. */
  const mayLeave = useCallback(
    async (action: 'close' | 'open', next?: string): Promise<boolean> => {
      const s = storeRef.current;
      if (!s) return true;
      let changes = staged.current.changes;
      let keys = staged.current.keys;
      try {
        const state = await transport.call('edit.state', { storeId: s.storeId });
        changes = state.changes.length;
        keys = state.keys;
      } catch {
        // The store is gone already: nothing left to keep.
        return true;
      }
      if (changes === 0) return true;
      return new Promise<boolean>((resolve) => setQuestion({ file: s.path, changes, keys, action, ...(next !== undefined ? { next } : {}), resolve }));
    },
    [transport],
  );

  // Closing the tab or window with staged changes: the browser (or Electron's main) asks.
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (staged.current.changes === 0) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  const open = useCallback(
    async (target: OpenTarget, readOnly = true) => {
      const current = storeRef.current;
      if (current && current.path !== target.path && !(await mayLeave('open', target.path))) return false;
      const seq = ++openSeq.current;
      const path = target.path;
      setOpening(path);
      setOpenError(null);
      setClosedNotice(null);
      try {
        const r = await transport.call('store.open', 'file' in target ? { file: target.file, readOnly } : { path, readOnly });
        if (seq !== openSeq.current) return false;
        const previous = storeRef.current;
        const next: OpenStore = { ...r, generation: 0 };
        // The ref moves to the new store before the old one is closed: the old store's
        // `store.closed` event can arrive before React renders again, and must not be taken for
        // the closing of the store now shown (it emptied the window on a slow machine).
        storeRef.current = next;
        if (previous && previous.storeId !== r.storeId) {
          void transport.call('store.close', { storeId: previous.storeId }).catch(() => undefined);
          staged.current = { changes: 0, keys: 0 };
        }
        setStore(next);
        if (previous?.storeId !== r.storeId) setAt(null);
        setView((v) => (v === 'welcome' ? 'records' : v));
        try {
          window.sessionStorage.setItem(LAST_PATH, JSON.stringify('file' in target ? { file: target.file, path: r.path } : { path: r.path }));
        } catch {
          // not critical: only used to reopen after a reload
        }
        void client.invalidateQueries({ queryKey: ['store.recent'] });
        return true;
      } catch (e) {
        if (seq !== openSeq.current) return false;
        setOpenError({ path, target, error: e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)) });
        setView('welcome');
        void client.invalidateQueries({ queryKey: ['store.recent'] });
        return false;
      } finally {
        if (seq === openSeq.current) setOpening(null);
      }
    },
    [transport, client, mayLeave],
  );

  const close = useCallback(async () => {
    if (!(await mayLeave('close'))) return;
    const s = storeRef.current;
    staged.current = { changes: 0, keys: 0 };
    storeRef.current = null;
    if (s) void transport.call('store.close', { storeId: s.storeId }).catch(() => undefined);
    setStore(null);
    setView('welcome');
    setIntent(null);
    setAt(null);
    try {
      window.sessionStorage.removeItem(LAST_PATH);
    } catch {
      // ignore
    }
  }, [transport, mayLeave]);

  const navigate = useCallback((v: ViewName, i?: IntentInput) => {
    setView(v);
    if (i) {
      intentId.current += 1;
      setIntent({ ...i, id: intentId.current } as Intent);
    }
  }, []);

  // First files: the command line's, else the one this tab had open before a reload.
  const started = useRef(false);
  useEffect(() => {
    if (!appInfo || started.current) return;
    started.current = true;
    let last: OpenTarget | null = null;
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(LAST_PATH) ?? 'null') as unknown;
      if (saved && typeof saved === 'object' && typeof (saved as { path?: unknown }).path === 'string') last = saved as OpenTarget;
    } catch {
      // ignore: a value from an older build, or storage is off
    }
    const first = last ?? appInfo.initialFiles[0];
    if (first) void open(first);
  }, [appInfo, open]);

  useServiceEvent('store.changed', (e) => {
    const s = storeRef.current;
    if (!s || s.storeId !== e.storeId) return;
    setStore({ ...s, info: e.info, generation: s.generation + 1 });
    void invalidateStore(client, e.storeId);
  });
  useServiceEvent('store.closed', (e) => {
    const s = storeRef.current;
    if (!s || s.storeId !== e.storeId) return;
    setStore(null);
    setView('welcome');
    setAt(null);
    setClosedNotice(`${s.path} was closed: ${e.reason}`);
  });
  // Edit mode switched (this window or another): the header's read-only badge follows it.
  useServiceEvent('edit.state', (e) => {
    const s = storeRef.current;
    if (s && s.storeId === e.storeId) staged.current = { changes: e.state.changes.length, keys: e.state.keys };
    const { readOnly, readOnlyReason, writer } = e.state;
    if (!s || s.storeId !== e.storeId || (s.readOnly === readOnly && s.readOnlyReason === readOnlyReason)) return;
    const { readOnlyReason: _reason, writer: _writer, ...rest } = s;
    setStore({ ...rest, readOnly, ...(readOnlyReason ? { readOnlyReason } : {}), ...(writer ? { writer } : {}) });
  });
  useServiceEvent('host.open', (e) => void open({ file: e.file, path: e.path }, e.readOnly ?? true));
  useServiceEvent('lock.demoEnded', (e) => setDemo((d) => (d?.path === e.path ? null : d)));
  useServiceEvent('host.closeStore', () => void close());

  const value = useMemo<Session>(
    () => ({ appInfo, store, opening, openError, demo, setDemo, closedNotice, view, intent, at, travel: setAt, open, close, navigate, clearOpenError: () => setOpenError(null) }),
    [appInfo, store, opening, openError, demo, closedNotice, view, intent, at, open, close, navigate],
  );
  return (
    <SessionContext.Provider value={value}>
      {children}
      {question && (
        <UnsavedDialog
          question={question}
          onAnswer={(discard) => {
            setQuestion(null);
            question.resolve(discard);
          }}
        />
      )}
    </SessionContext.Provider>
  );
}
