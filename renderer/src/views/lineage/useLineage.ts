/**
 * The lineage as an infinite query: `versions.list` pages, newest first, continued with
 * `before`. Its key carries the storeId, so `store.changed` (commits landing) refetches it like
 * every other read of the store, and new versions appear at the top.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import type { LineageResult, LineageVersion } from '../../../../app/contract';
import { shouldRetry, useTransport } from '../../api/hooks';
import type { ApiError } from '../../api/transport';

/** Versions per page: enough for most stores at once, small enough to draw without windowing. */
export const LINEAGE_PAGE = 500;

/** What the view needs from the pages loaded so far. */
export interface Lineage {
  /** Every loaded version, newest first. */
  readonly versions: readonly LineageVersion[];
  /** The newest page's facts (branches, snapshots, default branch, head, total). */
  readonly latest: LineageResult | undefined;
  readonly hasOlder: boolean;
  loadOlder(): void;
  readonly loading: boolean;
  readonly loadingOlder: boolean;
  /** The last older page failed to load (no automatic retry; the button retries). */
  readonly olderFailed: boolean;
  /** The loaded pages are being read again (after a commit). */
  readonly refreshing: boolean;
  readonly error: ApiError | null;
  refetch(): void;
}

/** Loads the lineage of an open store page by page. */
export function useLineage(storeId: string): Lineage {
  const transport = useTransport();
  const q = useInfiniteQuery<LineageResult, ApiError, { pages: LineageResult[] }, readonly unknown[], number | null>({
    queryKey: ['versions.list', 'pages', { storeId }],
    queryFn: ({ pageParam }) => transport.call('versions.list', { storeId, limit: LINEAGE_PAGE, ...(pageParam === null ? {} : { before: pageParam }) }),
    initialPageParam: null,
    getNextPageParam: (last) => last.nextBefore,
    staleTime: 30_000,
    retry: shouldRetry,
  });
  const pages = q.data?.pages;
  const { fetchNextPage } = q;
  // Never cancels a refresh under way (a commit landed): the new versions at the top would wait.
  const loadOlder = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);
  // A refetch after commits can shift page boundaries; ids keep the list free of repeats.
  const versions = useMemo(() => {
    const seen = new Set<number>();
    const out: LineageVersion[] = [];
    for (const page of pages ?? []) {
      for (const v of page.versions) {
        if (seen.has(v.id)) continue;
        seen.add(v.id);
        out.push(v);
      }
    }
    return out;
  }, [pages]);
  return {
    versions,
    latest: pages?.[0],
    hasOlder: q.hasNextPage,
    loadOlder,
    loading: q.isLoading,
    loadingOlder: q.isFetchingNextPage,
    olderFailed: q.isFetchNextPageError,
    refreshing: q.isFetching && !q.isFetchingNextPage,
    error: q.error,
    refetch: () => void q.refetch(),
  };
}
