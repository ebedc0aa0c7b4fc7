/**
 * What the Lineage detail panel can change: name a version (`snapshots.create`), start a
 * branch at it (`branches.create`), revert it (`versions.revert`) and move a branch head back
 * (`versions.undo`). Each action resolves to its result on success and null on failure, with
 * the service's one-line message in `error`; every success refetches the store's queries so
 * the new version or label is in the graph at once (the service's events would too, a moment
 * later).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { invalidateStore, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { recordOwnWrite } from '../edit/ownWrites';

/** Where a write left things: the version to select afterwards and a line for people. */
export interface ActionResult {
  readonly select: number;
  readonly notice: string;
}

/** The actions, their busy flag and their last message. */
export interface LineageActions {
  readonly busy: boolean;
  readonly error: ApiError | null;
  readonly notice: string | null;
  clear(): void;
  snapshot(version: number, name: string, message: string): Promise<ActionResult | null>;
  branch(from: number, name: string): Promise<ActionResult | null>;
  /** Reverts `version` with a new version on `branch` (default: the store's branch). */
  /** Reverts `version` onto `branch`; with `head` (from its preview) only while that is still the branch head. */
  revert(version: number, branch?: string, head?: number): Promise<ActionResult | null>;
  /** Moves `branch` back from `head` (the version shown); refused if another commit landed since. */
  undo(branch: string, head: number): Promise<ActionResult | null>;
}

/** The lineage actions of one open store. */
export function useLineageActions(storeId: string): LineageActions {
  const transport = useTransport();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = useCallback(
    async (work: () => Promise<ActionResult>): Promise<ActionResult | null> => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        const result = await work();
        setNotice(result.notice);
        await invalidateStore(client, storeId);
        return result;
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
        return null;
      } finally {
        setBusy(false);
      }
    },
    [client, storeId],
  );

  return {
    busy,
    error,
    notice,
    clear: () => {
      setError(null);
      setNotice(null);
    },
    snapshot: (version, name, message) =>
      act(async () => {
        const s = await transport.call('snapshots.create', { storeId, name, version, ...(message ? { message } : {}) });
        return { select: s.version, notice: `Snapshot “${s.name}” names #${s.version}.` };
      }),
    branch: (from, name) =>
      act(async () => {
        const b = await transport.call('branches.create', { storeId, name, from });
        return { select: b.head, notice: `Branch ${b.name} starts at #${b.head}.` };
      }),
    revert: (version, branch, head) =>
      act(async () => {
        const r = await transport.call('versions.revert', { storeId, version, ...(branch !== undefined ? { branch } : {}), ...(head !== undefined ? { head } : {}) });
        if (r.branch === r.info.branch) recordOwnWrite(storeId, { version: r.version, kind: 'revert' });
        return { select: r.version, notice: `Reverted #${version} as version #${r.version} on ${r.branch} (${r.keys} key${r.keys === 1 ? '' : 's'}); #${version} stays in the lineage.` };
      }),
    undo: (branch, head) =>
      act(async () => {
        const r = await transport.call('versions.undo', { storeId, branch, head });
        if (r.branch === r.info.branch) recordOwnWrite(storeId, { version: r.version, kind: 'undo' });
        return { select: r.version, notice: `Moved ${r.branch} back to #${r.version}; #${r.previous ?? '?'} stays in the lineage.` };
      }),
  };
}
