/**
 * Request building blocks shared by every part of the contract (`app/contract/index.ts` and the
 * per-feature method maps beside them in `app/contract/`). Imports zod only, so the renderer may use it.
 */
import { z } from 'zod';


/** Hex bytes (an even number of digits). */
export const hex = z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, { error: 'must be hex (an even number of 0-9a-f digits)' });
/**
 * A file path from the UI: not empty, no NUL byte (no file can have one; Node would throw a
 * stack-like message), at most 4096 characters (PATH_MAX on Linux).
 */
export const filePath = z.string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(4096, { error: 'must be at most 4096 characters' })
  .refine((p) => !p.includes('\0'), { error: 'must not contain NUL bytes' });
/**
 * A file handle a host granted for a user's choice (open/save dialog, drop, recent file, the
 * serve host's picker): opaque, unguessable, never a path. See `app/service/file-grants.ts`.
 */
export const fileHandle = z.string({ error: 'must be a file handle' })
  .regex(/^fh_[A-Za-z0-9_-]{16,64}$/, { error: 'must be a file handle from a choice the host made (open dialog, drop, recent files, file picker)' });
/**
 * The two ways a request names a file: `file`, a handle (every host), or `path`, typed (only
 * hosts that allow typed paths, and only inside their allowed places). Exactly one is given.
 */
export const fileFields = { path: filePath.optional(), file: fileHandle.optional() };
/** Refinement for {@link fileFields}: exactly one of `path` and `file`. */
export const oneFile = [
  (r: { path?: string | undefined; file?: string | undefined }) => (r.path === undefined) !== (r.file === undefined),
  { error: 'name the file with {file} (a handle) or {path}, exactly one' },
] as const;
/** An id returned by `store.open`. */
export const storeId = z.string().min(1, { error: 'must be a store id from store.open' });
/** A caller-chosen id for a long-running call (for progress and cancel). */
export const jobId = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' });

/**
 * A key given by the UI: raw bytes as hex, a tuple as JSON (encoded with the records layer's
 * tuple codec), or text taken as its UTF-8 bytes.
 */
export const keyInput = z.union([
  z.strictObject({ hex }),
  z.strictObject({ json: z.json() }),
  z.strictObject({ text: z.string() }),
], { error: 'must be one of {hex}, {json} or {text}' });
/** See {@link keyInput}. */
export type KeyInput = z.infer<typeof keyInput>;

/**
 * A key range: [from, to), optionally restricted to keys with a prefix, optionally reversed.
 * `prefix: {json: "user:01"}` (a JSON string) is a text prefix of the first key element, as
 * etcd's `--prefix` is: it matches `"user:0123"` and `["user:01x", 5]`; an array
 * (`{json: ["orders", 7]}`) is a tuple prefix matched element by element.
 */
export const rangeInput = z.strictObject({
  from: keyInput.optional(),
  to: keyInput.optional(),
  prefix: keyInput.optional(),
  reverse: z.boolean({ error: 'must be true or false' }).optional(),
});
/** See {@link rangeInput}. */
export type RangeInput = z.infer<typeof rangeInput>;

/** Address of a node, exactly as a previous `tree.root`/`tree.node` returned it. */
export const addressInput = z.strictObject({
  offset: z.int({ error: 'must be an integer' }).nonnegative({ error: 'must not be negative' }),
  length: z.int({ error: 'must be an integer' }).positive({ error: 'must be a positive integer' }),
  kind: z.enum(['leaf', 'internal', 'delta'], { error: "must be 'leaf', 'internal' or 'delta'" }),
  level: z.int({ error: 'must be an integer' }).min(0, { error: 'must not be negative' }).max(255, { error: 'must be at most 255' }),
  checksum: z.int({ error: 'must be an integer' }).min(0, { error: 'must not be negative' }).max(0xffff_ffff, { error: 'must fit in 32 bits' }),
});

/** A theme choice. */
export const themeSchema = z.enum(['dark', 'light', 'system'], { error: "must be 'dark', 'light' or 'system'" });
/** A request with no fields. */
export const empty = z.strictObject({});

/** Phantom response type marker: the value is never read, only its type. */
export function returns<T>(): T {
  return undefined as unknown as T;
}

