/**
 * Edit mode and the stage as the UI sees them: the `edit.state` query (kept current by the
 * service's `edit.state` events, so two windows on one store agree), the staged rows by key
 * (for the Records view's badges), and the actions. Each action resolves to true on success;
 * failures land in `error` as the service's one line.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EditRow, EditStateData, RecordRow, RequestOf, StageChangeInput, ValueView } from '../../../../app/contract';
import { callKey, useCall, useServiceEvent, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { recordOwnWrite } from './ownWrites';

/** How many staged rows the Records view marks (the stage panel and Review list them all). */
export const BADGE_ROWS = 1000;

/** What the Records view needs to mark a row. */
export type StagedMark = EditRow['type'];

/** Edit state, staged marks and actions for one open store. */
export interface EditApi {
  readonly storeId: string;
  readonly state: EditStateData | undefined;
  readonly editing: boolean;
  /** Why Edit is unavailable (another process writes the file), or null. */
  readonly blocked: string | null;
  /** Staged rows by key hex (first BADGE_ROWS keys). */
  readonly marks: ReadonlyMap<string, StagedMark>;
  /** Staged additions (not in the store yet, so not in the list): shown above it. */
  readonly added: readonly EditRow[];
  /** Staged values by key hex (puts only; first BADGE_ROWS keys): what the list and detail show. */
  readonly stagedValues: ReadonlyMap<string, ValueView>;
  readonly busy: boolean;
  readonly error: ApiError | null;
  readonly notice: string | null;
  clearMessages(): void;
  begin(): Promise<boolean>;
  end(): Promise<boolean>;
  stage(change: StageChangeInput): Promise<boolean>;
  unstage(id: number): Promise<boolean>;
  discard(): Promise<boolean>;
  commit(params: Omit<RequestOf<'edit.commit'>, 'storeId'>): Promise<boolean>;
  /**
   * Moves `branch`'s head (default: the store's branch) back to its parent, if it is still `head`
   * (the version the person confirmed); refused if another commit landed since.
   */
  undo(head: number, branch?: string): Promise<boolean>;
  /** Reverts `version`; with `head` (from its preview) only while the branch head is still that. */
  revert(version: number, head?: number): Promise<boolean>;
  /** Reports a result from a dialog that called the service itself (imports, file values). */
  report(notice: string | null, error?: ApiError | null): void;
}

/**
 * A record as it will be after the commit: its staged value in place of the stored one (the
 * same object when nothing is staged for it, so memoised rows stay memoised). O(1).
 */
export function withStagedValue(row: RecordRow, staged: ReadonlyMap<string, ValueView>): RecordRow {
  const value = staged.get(row.key.hex);
  return value ? { ...row, value } : row;
}

/** The edit API for a store. */
export function useEdit(storeId: string): EditApi {
  const transport = useTransport();
  const client = useQueryClient();
  const stateQuery = useCall('edit.state', { storeId }, { staleTime: Infinity });
  const list = useCall('edit.list', { storeId, limit: BADGE_ROWS }, { staleTime: Infinity });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useServiceEvent('edit.state', (e) => {
    if (e.storeId !== storeId) return;
    client.setQueryData(callKey('edit.state', { storeId }), e.state);
    void client.invalidateQueries({ queryKey: ['edit.list'] });
    void client.invalidateQueries({ queryKey: ['edit.list', 'pages'] });
  });

  const state = stateQuery.data;
  const editing = state ? !state.readOnly : false;
  const blocked =
    state?.readOnlyReason === 'locked'
      ? `Process ${state.writer?.pid ?? '?'}${state.writer?.host ? ` on ${state.writer.host}` : ''} is writing this file; editing is off while it does (the view keeps refreshing).`
      : state?.readOnlyReason === 'file-permissions'
        ? 'The file is not writable.'
        : null;

  // While another process holds the lock, look again now and then: when it exits, Edit comes back.
  const locked = state?.readOnlyReason === 'locked';
  useEffect(() => {
    if (!locked) return;
    const timer = setInterval(() => void client.invalidateQueries({ queryKey: callKey('edit.state', { storeId }) }), 2000);
    return () => clearInterval(timer);
  }, [locked, client, storeId]);

  const marks = useMemo(() => new Map((list.data?.rows ?? []).map((r) => [r.key.hex, r.type] as const)), [list.data]);
  const added = useMemo(() => (list.data?.rows ?? []).filter((r) => r.type === 'added'), [list.data]);
  const stagedValues = useMemo(() => new Map((list.data?.rows ?? []).flatMap((r) => (r.after ? [[r.key.hex, r.after] as const] : []))), [list.data]);

  const act = useCallback(
    async (work: () => Promise<string | null>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        setNotice(await work());
        return true;
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [],
  );

  return {
    storeId,
    state,
    editing,
    blocked,
    marks,
    added,
    stagedValues,
    busy,
    error,
    notice,
    clearMessages: () => {
      setError(null);
      setNotice(null);
    },
    begin: () => act(async () => (await transport.call('edit.begin', { storeId }), null)),
    end: () => act(async () => (await transport.call('edit.end', { storeId }), null)),
    stage: (change) => act(async () => (await transport.call('edit.stage', { storeId, change }), null)),
    unstage: (id) => act(async () => (await transport.call('edit.unstage', { storeId, id }), null)),
    discard: () => act(async () => (await transport.call('edit.discard', { storeId }), 'Discarded every staged change; nothing was written.')),
    commit: (params) =>
      act(async () => {
        const r = await transport.call('edit.commit', { storeId, ...params });
        // Only the store's branch is "the head" the views show; a commit elsewhere leaves it.
        if (r.branch === r.info.branch) recordOwnWrite(storeId, { version: r.version, kind: 'commit' });
        return `Committed ${r.keys} key${r.keys === 1 ? '' : 's'} as version #${r.version} on ${r.branch}.`;
      }),
    undo: (head, branch) =>
      act(async () => {
        const r = await transport.call('versions.undo', { storeId, head, ...(branch !== undefined ? { branch } : {}) });
        if (r.branch === r.info.branch) recordOwnWrite(storeId, { version: r.version, kind: 'undo' });
        return `Moved ${r.branch} back to #${r.version}; #${r.previous ?? '?'} stays in the lineage.`;
      }),
    revert: (version, head) =>
      act(async () => {
        const r = await transport.call('versions.revert', { storeId, version, ...(head !== undefined ? { head } : {}) });
        if (r.branch === r.info.branch) recordOwnWrite(storeId, { version: r.version, kind: 'revert' });
        return `Reverted #${version} as version #${r.version} (${r.keys} key${r.keys === 1 ? '' : 's'}).`;
      }),
    report: (n, e = null) => {
      setNotice(n);
      setError(e);
    },
  };
}
