/**
 * How big and how deep one request may be, checked before any schema sees it.
 *
 * Schema validation (zod) walks a value recursively: a few kilobytes of `[[[[…]]]]` overflow the
 * stack of whichever host validates it. So every host measures a request first, with an
 * explicit stack (no recursion, so no overflow), and refuses what is too large or too deep with
 * one line, before `parseRequest` hands it to a schema. Imports nothing, so the renderer may
 * use the limits too (it checks the size before sending).
 */

/**
 * Most bytes of one request message: a serve WebSocket frame, or an IPC argument measured as
 * JSON. Generous for the editor's inline values (a pasted JSON document of several MB), far
 * below what would strain a host's memory. Larger values are staged from a file.
 */
export const REQUEST_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Deepest nesting of one request, counting the request object as depth 1. The records layer
 * refuses values nested more than 256 deep (MAX_VALUE_DEPTH), and a request wraps a value in at
 * most five levels (`params.change.value.json`); zod validates 1000 levels without trouble, so
 * this leaves a wide margin on a busy stack.
 */
export const REQUEST_MAX_DEPTH = 300;

/** Limits for {@link checkRequestShape}. */
export interface RequestLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

const DEFAULT_LIMITS: RequestLimits = { maxBytes: REQUEST_MAX_BYTES, maxDepth: REQUEST_MAX_DEPTH };

/**
 * Measures a request without recursion: null when it fits, else one line saying what is wrong.
 * Bytes are estimated as JSON would spell the value (strings by their length, 8 per number);
 * cycles (possible in structured-clone IPC arguments) count as unbounded depth. O(n) in the
 * size of the value, and stops at the first limit crossed, so a huge value costs no more than
 * the limit.
 */
export function checkRequestShape(value: unknown, limits: RequestLimits = DEFAULT_LIMITS): string | null {
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 1 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop()!;
    if (typeof item === 'string') bytes += item.length + 2;
    else if (item === null || typeof item !== 'object') bytes += 8;
    else if (ArrayBuffer.isView(item)) bytes += item.byteLength;
    else if (item instanceof ArrayBuffer) bytes += item.byteLength;
    else {
      if (depth > limits.maxDepth) return `request nests more than ${limits.maxDepth} levels deep`;
      if (Array.isArray(item)) {
        bytes += 2 + item.length;
        if (bytes > limits.maxBytes) break;
        for (let i = item.length - 1; i >= 0; i--) stack.push({ value: item[i], depth: depth + 1 });
      } else {
        bytes += 2;
        for (const key of Object.keys(item)) {
          bytes += key.length + 4;
          if (bytes > limits.maxBytes) break;
          stack.push({ value: (item as Record<string, unknown>)[key], depth: depth + 1 });
        }
      }
    }
    if (bytes > limits.maxBytes) break;
  }
  return bytes > limits.maxBytes ? `request is larger than ${formatLimit(limits.maxBytes)}` : null;
}

/** `16 MiB`, `512 KiB`, `100 bytes`. */
export function formatLimit(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} bytes`;
}
