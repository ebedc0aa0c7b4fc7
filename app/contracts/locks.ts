/**
 * Contract methods for the lock monitor: discover, attach, snapshot, stream (issue 7).
 * Spread into `contract` in `app/contract.ts`; shapes here are plain readonly data.
 */
import { z } from 'zod';
import { returns, storeId } from './schemas';

/** Events this feature pushes to the UI (joined into `ServiceEvent`). */
export type LockEvent = never;

/** The feature's methods: name → request schema → response type. */
export const lockMethods = {} as const;

// Keeps the imports used until the first method lands.
void z; void returns; void storeId;
