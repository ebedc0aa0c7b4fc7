/**
 * The native menu as a pure template builder: the host passes what it knows (recent files,
 * theme, whether a store is open) and callbacks; tests read the template without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentFile, Theme } from '../app/contract';

/** What the menu's items do. */
export interface MenuActions {
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  close(): void;
  reveal(): void;
  setTheme(theme: Theme): void;
  about(): void;
  openDemo(): void;
}

/** What the menu shows. */
export interface MenuState {
  readonly recent: readonly RecentFile[];
  readonly theme: Theme;
  readonly hasOpenStore: boolean;
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  /** A development build (not packaged): only then does View offer the developer tools. */
  readonly development: boolean;
}

/** The application menu. */
export function menuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const revealLabel = mac ? 'Reveal in Finder' : state.platform === 'win32' ? 'Show in Explorer' : 'Reveal in Folder';
  const recent: MenuItemConstructorOptions[] = state.recent.length === 0
    ? [{ label: 'No Recent Files', enabled: false }]
    : [
        ...state.recent.map((r): MenuItemConstructorOptions => ({ label: r.path, enabled: r.exists, click: () => actions.openRecent(r.path) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ];
  const theme = (value: Theme, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: state.theme === value,
    click: () => actions.setTheme(value),
  });
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.open() },
        { label: 'Open Recent', submenu: recent },
        { label: 'Open Demo Store', click: () => actions.openDemo() },
        { type: 'separator' },
        { label: revealLabel, enabled: state.hasOpenStore, click: () => actions.reveal() },
        { label: 'Close', accelerator: 'CmdOrCtrl+W', enabled: state.hasOpenStore, click: () => actions.close() },
        ...(mac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, { role: 'quit' } as MenuItemConstructorOptions]),
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        theme('dark', 'Dark Theme'),
        theme('light', 'Light Theme'),
        theme('system', 'System Theme'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        // DevTools can call anything the page can and read what it shows: not in release builds.
        ...(state.development ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
      ],
    },
    { role: 'windowMenu' },
    { label: 'Help', role: 'help', submenu: [{ label: `About ${state.appName}`, click: () => actions.about() }] },
  ];
  return mac ? [{ role: 'appMenu' }, ...template] : template;
}
