/**
 * What a value is, in words, for the one-line errors of the key and value codecs: `undefined`,
 * `a function`, `a symbol`, `a Map` (an object names its class), `an object` (a plain one), or
 * the `typeof` of anything else (`number`, `string`, …). O(1).
 */
export function typeDescription(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'object' && v !== null) {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof v;
}
