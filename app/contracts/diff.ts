/**
 * Contract methods for diffs between versions: record diffs (streamed as a job, paged) and the
 * structural diff the tree view overlays (issue 6). Spread into `contract` in `app/contract.ts`.
 */
import { z } from 'zod';
import { returns, storeId } from './schemas';

/** The feature's methods: name → request schema → response type. */
export const diffMethods = {} as const;

// Keeps the imports used until the first method lands.
void z; void returns; void storeId;
