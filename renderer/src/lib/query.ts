/**
 * The query bar's pure parts: where the caret under an error goes, and the history the arrow
 * keys walk. The service parses queries (`query.check`); this file only places its answer.
 */

/** Most queries kept in a history. */
export const HISTORY_MAX = 50;

/**
 * How many characters of `text` come before 1-based `column` as the eye counts them: the
 * service counts UTF-16 code units, and a character outside the BMP (an emoji) is two of them
 * but one on screen. Clamped to the text (an error "at the end" sits after the last character).
 */
export function caretOffset(text: string, column: number): number {
  const units = Math.min(Math.max(0, column - 1), text.length);
  return Array.from(text.slice(0, units)).length;
}

/** The text of a caret line under a monospace query: spaces, then `^` under the column. */
export function caretLine(text: string, column: number): string {
  return `${' '.repeat(caretOffset(text, column))}^`;
}

/** A history with the newest query first; adding a query moves it to the front (no duplicates). */
export function remember(history: readonly string[], query: string): readonly string[] {
  const q = query.trim();
  if (q === '') return history;
  return [q, ...history.filter((h) => h !== q)].slice(0, HISTORY_MAX);
}

/**
 * One arrow-key step through a history. `at` is -1 for the draft being typed, else the index
 * of the shown entry; `up` goes to older entries. Returns the new index and the text to show
 * (the saved draft again when stepping down past the newest).
 */
export function historyStep(history: readonly string[], at: number, up: boolean, draft: string): { readonly at: number; readonly text: string } {
  const next = up ? Math.min(history.length - 1, at + 1) : Math.max(-1, at - 1);
  if (next === -1) return { at: -1, text: draft };
  return { at: next, text: history[next] ?? draft };
}
