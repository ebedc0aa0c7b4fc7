/**
 * Merge: bring a branch (or one version, cherry-picked) into a target branch. Preview runs the
 * engine's three-way merge as a dry run (`merge.preview`, `merge.cherryPickPreview`) and lists the
 * merge base, the changes that merge by themselves (field by field, in Diff's before/after rows)
 * and the conflicts; each conflict is settled with ours, theirs or an edited value (one field at
 * a time for documents). Commit is enabled once every conflict is resolved and writes one
 * version (two parents for a merge); Abort forgets the preview (nothing was written). Keys: n / p
 * move to the next / previous unresolved conflict, o / t take ours / theirs for the selected one.
 * Previews work read-only; committing needs edit mode, like every write.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { MergeCommitResult, MergePreviewResult } from '../../../../app/contract';
import { invalidateStore, useCall, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { formatCount } from '../../lib/format';
import { useOpenStore, useSession } from '../../shell/session';
import { DiffRows } from '../diff/DiffRows';
import { parseVersionRef, useVersionOptions, VersionPicker } from '../diff/VersionPicker';
import { recordOwnWrite } from '../edit/ownWrites';
import { canCommit, resolutionInputs, resolvedCount, stepConflict, type Resolution } from './conflicts';
import { ConflictCard } from './ConflictCard';
import './merge.css';

type Kind = 'merge' | 'cherry-pick';

const KINDS: readonly { value: Kind; label: string; title: string }[] = [
  { value: 'merge', label: 'Merge a branch', title: 'Bring everything a branch did since the fork into the target' },
  { value: 'cherry-pick', label: 'Cherry-pick a version', title: 'Apply what one version changed onto the target' },
];

const STATUS: Readonly<Record<MergePreviewResult['status'], string>> = {
  'up-to-date': 'Already up to date: nothing to merge',
  'fast-forward': 'Fast-forward: the target has nothing of its own since the fork; its head just moves',
  clean: 'Merges cleanly: no conflicts',
  conflicts: 'Conflicts to resolve',
};

export function MergeView() {
  const store = useOpenStore();
  const session = useSession();
  const transport = useTransport();
  const client = useQueryClient();
  const options = useVersionOptions(store.storeId);
  const branchesQuery = useCall('branches.list', { storeId: store.storeId });
  const branches = useMemo(() => branchesQuery.data?.branches.map((b) => b.name) ?? [store.info.branch], [branchesQuery.data, store.info.branch]);
  const defaultBranch = branchesQuery.data?.defaultBranch ?? store.info.branch;

  const [kind, setKind] = useState<Kind>('merge');
  const [theirsDraft, setTheirsDraft] = useState('');
  const [into, setInto] = useState(defaultBranch);
  const [preview, setPreview] = useState<MergePreviewResult | null>(null);
  const [previewRef, setPreviewRef] = useState<string | number | null>(null);
  /** The store generation the preview was computed at: commits since may have moved a head. */
  const [previewGeneration, setPreviewGeneration] = useState(0);
  const [resolutions, setResolutions] = useState<ReadonlyMap<string, Resolution>>(new Map());
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<{ text: string; version?: number } | null>(null);
  const cards = useRef<HTMLDivElement>(null);
  const generation = useRef(store.generation);
  generation.current = store.generation;

  const reset = () => {
    setPreview(null);
    setPreviewRef(null);
    setResolutions(new Map());
    setSelected(null);
    setMessage('');
  };

  const run = useCallback(
    async (k: Kind, theirs: string | number, target: string) => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        const p =
          k === 'merge'
            ? await transport.call('merge.preview', { storeId: store.storeId, theirs, into: target })
            : await transport.call('merge.cherryPickPreview', { storeId: store.storeId, version: Number(theirs), onto: target });
        setPreview(p);
        setPreviewRef(theirs);
        setPreviewGeneration(generation.current);
        setResolutions(new Map());
        setSelected(null);
        setMessage(p.message);
      } catch (e) {
        reset();
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
      } finally {
        setBusy(false);
      }
    },
    [transport, store.storeId],
  );

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const ref = parseVersionRef(theirsDraft);
    if (ref === null) {
      setError(new ApiError('BAD_REQUEST', kind === 'merge' ? 'Name the branch (or version) to merge.' : 'Name the version to cherry-pick: its id.'));
      return;
    }
    const id = /^#?(\d+)$/.exec(ref);
    if (kind === 'cherry-pick' && !id) {
      setError(new ApiError('BAD_REQUEST', 'A cherry-pick takes a version id, such as #12.'));
      return;
    }
    void run(kind, kind === 'cherry-pick' ? Number(id![1]) : ref, into);
  };

  // Requests from the Lineage: "merge this branch", "cherry-pick this version".
  const intent = session.intent;
  const handled = useRef(0);
  useEffect(() => {
    if (!intent || handled.current === intent.id) return;
    if (intent.kind !== 'merge.branch' && intent.kind !== 'merge.cherryPick') return;
    handled.current = intent.id;
    const k: Kind = intent.kind === 'merge.branch' ? 'merge' : 'cherry-pick';
    const theirs = intent.kind === 'merge.branch' ? intent.theirs : intent.version;
    const target = (intent.kind === 'merge.branch' ? intent.into : intent.onto) ?? defaultBranch;
    setKind(k);
    setTheirsDraft(typeof theirs === 'number' ? `#${theirs}` : theirs);
    setInto(target);
    void run(k, theirs, target);
  }, [intent, run, defaultBranch]);

  const ids = useMemo(() => preview?.conflicts.map((c) => c.id) ?? [], [preview]);
  const resolve = useCallback((id: string, r: Resolution | null) => {
    setResolutions((m) => {
      const next = new Map(m);
      if (r === null) next.delete(id);
      else next.set(id, r);
      return next;
    });
  }, []);

  const moveTo = useCallback((id: string | null) => {
    if (id === null) return;
    setSelected(id);
    cards.current?.querySelector(`[data-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, []);

  // n / p: next / previous unresolved conflict; o / t: ours / theirs for the selected one.
  const visible = session.view === 'merge';
  useEffect(() => {
    if (!visible || ids.length === 0) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.key === 'n' || e.key === 'p') moveTo(stepConflict(ids, selected, e.key === 'n' ? 1 : -1, resolutions));
      else if ((e.key === 'o' || e.key === 't') && selected !== null) resolve(selected, { take: e.key === 'o' ? 'ours' : 'theirs' });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, ids, selected, resolutions, moveTo, resolve]);

  const commit = async () => {
    if (!preview || previewRef === null) return;
    setBusy(true);
    setError(null);
    try {
      const common = { storeId: store.storeId, resolutions: resolutionInputs(preview.conflicts, resolutions), ...(message.trim() ? { message: message.trim() } : {}) };
      const r: MergeCommitResult =
        preview.kind === 'merge'
          ? await transport.call('merge.commit', { ...common, theirs: previewRef, into: preview.into })
          : await transport.call('merge.cherryPick', { ...common, version: preview.theirs, onto: preview.into });
      if (r.branch === r.info.branch) recordOwnWrite(store.storeId, { version: r.version, kind: 'commit' });
      const what = preview.kind === 'merge' ? `Merged ${String(previewRef)} into ${r.branch}` : `Cherry-picked #${preview.theirs} onto ${r.branch}`;
      setNotice({ text: r.status === 'fast-forward' ? `${r.branch} fast-forwarded to #${r.version}.` : `${what} as version #${r.version}.`, version: r.version });
      reset();
      await invalidateStore(client, store.storeId);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
    } finally {
      setBusy(false);
    }
  };

  const abort = async () => {
    setBusy(true);
    setError(null);
    try {
      await transport.call('merge.abort', { storeId: store.storeId });
      reset();
      setNotice({ text: 'Aborted: nothing was written.' });
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
    } finally {
      setBusy(false);
    }
  };

  // Changes both sides made alike write nothing: counted, not listed as rows.
  const rows = useMemo(() => preview?.changes.filter((c) => c.from !== 'both') ?? [], [preview]);
  const origins = useMemo(() => {
    const n = { theirs: 0, fields: 0, both: 0, resolved: 0 };
    for (const c of preview?.changes ?? []) n[c.from]++;
    return n;
  }, [preview]);
  const oursName = preview ? preview.into : into;
  const theirsName = preview ? (preview.kind === 'merge' ? String(previewRef) : `#${preview.theirs}`) : theirsDraft;
  const done = preview ? resolvedCount(preview.conflicts, resolutions) : 0;
  const ready = preview !== null && preview.status !== 'up-to-date' && canCommit(preview.conflicts, preview.conflictCount, resolutions);
  const readOnlyReason = !store.readOnly
    ? null
    : store.readOnlyReason === 'locked'
      ? `Process ${store.writer?.pid ?? '?'} is writing this file; merging comes back when it stops.`
      : store.readOnlyReason === 'file-permissions'
        ? 'The file is not writable.'
        : 'Read-only: switch to Edit in Records to commit a merge (previews work read-only).';
  const commitTitle = readOnlyReason ?? (ready ? 'Write the merge as one version' : `Resolve every conflict first (${done} of ${preview?.conflictCount ?? 0} resolved)`);

  return (
    <div className="mergeview">
      <form className="toolbar" onSubmit={submit} aria-label="What to merge">
        <Segmented label="Merge or cherry-pick" size="small" value={kind} options={KINDS} onChange={(k) => {
          setKind(k);
          setTheirsDraft('');
        }} />
        <VersionPicker label={kind === 'merge' ? 'Merge' : 'Version'} value={theirsDraft} onChange={setTheirsDraft} options={kind === 'merge' ? options : options.filter((o) => o.value.startsWith('#'))} testId="merge-theirs" placeholder={kind === 'merge' ? 'branch, snapshot or id' : '#id'} />
        <label className="filter-field">
          <span>{kind === 'merge' ? 'into' : 'onto'}</span>
          <select className="input input-small mono" value={into} onChange={(e) => setInto(e.target.value)} data-testid="merge-into">
            {branches.map((b) => (
              <option key={b} value={b}>
                {b}
                {b === defaultBranch ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-small btn-primary" disabled={busy} data-testid="merge-preview">
          Preview
        </button>
        <span className="grow" />
        {kind === 'merge' && branches.includes(theirsDraft.trim()) && theirsDraft.trim() !== into && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => session.navigate('diff', { kind: 'diff.versions', a: into, b: theirsDraft.trim() })} title={`Diff: what ${theirsDraft.trim()} did since it forked from ${into}`} data-testid="merge-see-fork">
            Changes since the fork
          </button>
        )}
      </form>
      {error && (
        <div className="pad-x">
          <ErrorPanel error={error} path={store.path} compact />
        </div>
      )}
      {notice && (
        <div className="success small merge-notice" role="status" data-testid="merge-notice">
          {notice.text}
          {notice.version !== undefined && (
            <button type="button" className="btn btn-small" onClick={() => session.navigate('lineage')} data-testid="merge-see-lineage">
              See it in Lineage
            </button>
          )}
        </div>
      )}

      {!preview ? (
        !error && !notice && (
          <div className="merge-empty dim" data-testid="merge-empty">
            <div className="empty-title">Merge branches</div>
            <p className="small">
              Pick what to merge and the branch it goes into, then Preview: nothing is written until you commit. Branches merge field by field from their merge base; what both sides changed differently is listed for you to resolve.
            </p>
          </div>
        )
      ) : (
        <>
          <div className="merge-summary" data-testid="merge-summary" data-status={preview.status}>
            <span className={`tag ${preview.status === 'conflicts' ? 'tag-warn' : 'tag-ok'}`}>{STATUS[preview.status]}</span>
            <span className="small">
              {preview.kind === 'merge' ? 'base' : 'picked from'} {preview.base ? <b className="mono">#{preview.base.id}</b> : <span className="dim">none</span>} · ours <b className="mono">{oursName} #{preview.ours}</b> · theirs <b className="mono">{theirsName}{theirsName !== `#${preview.theirs}` ? ` #${preview.theirs}` : ''}</b>
            </span>
            <span className="small" data-testid="merge-counts">
              <b>{formatCount(preview.changeCount)}</b> merged automatically · <b>{formatCount(preview.conflictCount)}</b> conflict{preview.conflictCount === 1 ? '' : 's'}
              {preview.conflictCount > 0 ? ` (${done} resolved)` : ''}
            </span>
            {ids.length > 0 && <span className="small dim">n / p: next / previous unresolved · o / t: ours / theirs</span>}
          </div>
          {!preview.rangesKnown && (
            <div className="notice small merge-stale" data-testid="merge-ranges-unknown">
              Some range deletes on a side are not recorded (older writer, or more ranges than the catalog keeps): a key written on one side inside a range the other deleted may merge as written instead of conflicting.
            </div>
          )}
          {store.generation !== previewGeneration && (
            <div className="notice small merge-stale" data-testid="merge-stale">
              New commits landed since this preview; if they moved {oursName} or {theirsName}, the commit will refuse.
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => previewRef !== null && void run(preview.kind, previewRef, preview.into)}>
                Preview again
              </button>
            </div>
          )}
          <div className="merge-body">
            {preview.conflicts.length > 0 && (
              <section className="merge-section merge-conflicts-section" aria-label="Conflicts">
                <div className="merge-section-title">Conflicts</div>
                {preview.conflicts.length < preview.conflictCount && (
                  <div className="notice small">
                    Showing {formatCount(preview.conflicts.length)} of {formatCount(preview.conflictCount)} conflicts; merge this one on the command line with --ours or --theirs.
                  </div>
                )}
                <div className="merge-conflicts" ref={cards} data-testid="merge-conflicts">
                  {preview.conflicts.map((c, i) => (
                    <ConflictCard key={c.id} conflict={c} index={i} resolution={resolutions.get(c.id)} selected={c.id === selected} oursName={oursName} theirsName={theirsName} onSelect={setSelected} onResolve={resolve} />
                  ))}
                </div>
              </section>
            )}
            <section className="merge-section merge-changes-section" aria-label="Merged automatically">
              <div className="merge-section-title">
                Merged automatically{preview.changes.length < preview.changeCount ? ` (first ${formatCount(preview.changes.length)} of ${formatCount(preview.changeCount)})` : ''}
                <span className="merge-origins" data-testid="merge-origins">
                  {formatCount(origins.theirs)} from {theirsName} only · {formatCount(origins.fields)} merged field by field
                  {origins.both > 0 ? ` · ${formatCount(origins.both)} changed alike on both sides (nothing to write)` : ''}
                </span>
              </div>
              <div className="merge-changes" data-testid="merge-changes">
                <DiffRows
                  rows={rows}
                  mode="split"
                  showUnchanged={false}
                  labels={{ before: `ours · ${oursName} #${preview.ours}`, after: 'after the merge' }}
                  testId="merge-change-rows"
                  empty={<span className="small dim">Nothing merges by itself: every change is a conflict above, or there is nothing to bring in.</span>}
                />
              </div>
            </section>
          </div>
          <div className="merge-foot">
            <input className="input merge-message" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={10_000} aria-label="Commit message" placeholder="Commit message" data-testid="merge-message" />
            {readOnlyReason && <span className="small dim" data-testid="merge-readonly">{readOnlyReason}</span>}
            <span className="grow" />
            <button type="button" className="btn" onClick={() => void abort()} disabled={busy} data-testid="merge-abort">
              Abort
            </button>
            <button type="button" className="btn btn-primary" onClick={() => void commit()} disabled={busy || !ready || readOnlyReason !== null} title={commitTitle} data-testid="merge-commit">
              {preview.kind === 'merge' ? (preview.status === 'fast-forward' ? 'Fast-forward' : 'Commit merge') : 'Commit cherry-pick'}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
