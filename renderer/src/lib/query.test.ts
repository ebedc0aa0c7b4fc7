import { describe, expect, it } from 'vitest';
import { HISTORY_MAX, caretLine, caretOffset, historyStep, remember } from './query';

describe('the query bar error caret', () => {
  it('sits under the column the service names (1-based)', () => {
    expect(caretLine('status = ', 10)).toBe('         ^');
    expect(caretLine('status ==  "x"', 9)).toBe('        ^');
    expect(caretLine('x', 1)).toBe('^');
  });
  it('counts what the eye sees: an emoji is two UTF-16 units but one place', () => {
    // `name = "😀" an` — the error at "an" is column 13 in UTF-16 units, the 12th place on screen.
    const text = 'name = "😀" an';
    expect(text.indexOf('an') + 1).toBe(13);
    expect(caretOffset(text, 13)).toBe(11);
  });
  it('is clamped to the text: an error at the end goes after the last character', () => {
    expect(caretOffset('a = ', 99)).toBe(4);
    expect(caretOffset('a', 0)).toBe(0);
  });
});

describe('the query history', () => {
  it('keeps the newest first, without duplicates or blanks, at most HISTORY_MAX', () => {
    let h: readonly string[] = [];
    h = remember(h, 'a = 1');
    h = remember(h, 'b = 2');
    h = remember(h, ' a = 1 ');
    h = remember(h, '   ');
    expect(h).toEqual(['a = 1', 'b = 2']);
    for (let i = 0; i < 80; i++) h = remember(h, `n = ${i}`);
    expect(h.length).toBe(HISTORY_MAX);
    expect(h[0]).toBe('n = 79');
  });
  it('walks older with up, newer with down, and back to the draft', () => {
    const h = ['new', 'old'];
    let s = historyStep(h, -1, true, 'typing');
    expect(s).toEqual({ at: 0, text: 'new' });
    s = historyStep(h, s.at, true, 'typing');
    expect(s).toEqual({ at: 1, text: 'old' });
    expect(historyStep(h, s.at, true, 'typing')).toEqual({ at: 1, text: 'old' });
    s = historyStep(h, s.at, false, 'typing');
    s = historyStep(h, s.at, false, 'typing');
    expect(s).toEqual({ at: -1, text: 'typing' });
    expect(historyStep([], -1, true, 'd')).toEqual({ at: -1, text: 'd' });
  });
});
