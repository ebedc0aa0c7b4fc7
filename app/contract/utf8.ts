/**
 * Where bytes stop being UTF-8, so input that is not (a Latin-1 export, a binary file) is
 * refused naming the line and byte, instead of decoded with U+FFFD in place of the bad bytes.
 * Pure, so the CLI's `load` and the service's import share it.
 */

/** Offset of the first byte that does not start or continue a well-formed UTF-8 character (the length when all are well formed). O(n). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Length and the allowed range of the second byte (excludes overlong forms and surrogates).
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return b.length;
}

/** 1-based line (counting 0x0A bytes) and byte within that line of `offset`. O(offset). */
export function lineOf(bytes: Uint8Array, offset: number): { line: number; byte: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, byte: offset - start };
}
