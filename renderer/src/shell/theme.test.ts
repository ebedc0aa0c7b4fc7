import { describe, expect, it } from 'vitest';
import { effectiveTheme, isTheme } from './theme';

describe('theme', () => {
  it('follows the system unless told', () => {
    expect(effectiveTheme('system', true)).toBe('dark');
    expect(effectiveTheme('system', false)).toBe('light');
    expect(effectiveTheme('light', true)).toBe('light');
    expect(isTheme('dark')).toBe(true);
    expect(isTheme('blue')).toBe(false);
  });
});
