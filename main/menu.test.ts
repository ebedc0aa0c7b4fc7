import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

vi.mock('electron', () => ({}));
const { menuTemplate } = await import('./menu');

function find(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions {
  for (const item of items) {
    if (item.label === label) return item;
    if (Array.isArray(item.submenu)) {
      try {
        return find(item.submenu, label);
      } catch {
        // keep looking
      }
    }
  }
  throw new Error(`no menu item ${label}`);
}

describe('menu', () => {
  it('offers File › Open…, Open Recent, Close, Reveal and View › themes', () => {
    const actions = { open: vi.fn(), openRecent: vi.fn(), clearRecent: vi.fn(), close: vi.fn(), reveal: vi.fn(), setTheme: vi.fn(), about: vi.fn(), openDemo: vi.fn() };
    const template = menuTemplate({ recent: [{ path: '/a.th', openedAt: 1, exists: true }], theme: 'dark', hasOpenStore: true, platform: 'linux', appName: 'Thunderhead', development: false }, actions);
    find(template, 'Open…').click!(undefined as never, undefined, undefined as never);
    expect(actions.open).toHaveBeenCalled();
    find(template, '/a.th').click!(undefined as never, undefined, undefined as never);
    expect(actions.openRecent).toHaveBeenCalledWith('/a.th');
    expect(find(template, 'Close').enabled).toBe(true);
    expect(find(template, 'Reveal in Folder').enabled).toBe(true);
    expect(find(template, 'Dark Theme').checked).toBe(true);
    find(template, 'Light Theme').click!(undefined as never, undefined, undefined as never);
    expect(actions.setTheme).toHaveBeenCalledWith('light');
    const closed = menuTemplate({ recent: [], theme: 'system', hasOpenStore: false, platform: 'darwin', appName: 'Thunderhead', development: false }, actions);
    expect(find(closed, 'Close').enabled).toBe(false);
    expect(find(closed, 'No Recent Files').enabled).toBe(false);
    expect(find(closed, 'Reveal in Finder')).toBeTruthy();
  });

  it('offers the developer tools in development builds only', () => {
    const actions = { open: vi.fn(), openRecent: vi.fn(), clearRecent: vi.fn(), close: vi.fn(), reveal: vi.fn(), setTheme: vi.fn(), about: vi.fn(), openDemo: vi.fn() };
    const roles = (items: MenuItemConstructorOptions[]): string[] => items.flatMap((i) => [...(i.role ? [String(i.role)] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
    const base = { recent: [], theme: 'system' as const, hasOpenStore: false, appName: 'Thunderhead' };
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(roles(menuTemplate({ ...base, platform, development: false }, actions))).not.toContain('toggleDevTools');
      expect(roles(menuTemplate({ ...base, platform, development: true }, actions))).toContain('toggleDevTools');
    }
  });
});
