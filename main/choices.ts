/**
 * Where Electron's file paths come from: only the user's own choices. The native dialogs run
 * here in main, and the files named on the command line, by the OS (open-file, a second
 * instance), by the menu's recent list or by a drop are granted to the service as handles; the
 * renderer receives handles, never a way to name a path. The service is created without typed
 * paths, so a compromised page cannot reach `~/.ssh` or `~/.bashrc` by naming it.
 *
 * Kept free of the `electron` module so tests drive it with fake dialogs.
 */
import type { FileRef, Theme } from '../app/contract';
import { createService } from '../app/service/index';
import type { Service } from '../app/service/index';

/** The native dialogs and shell calls main provides (Electron's `dialog` and `shell`). */
export interface NativeChoices {
  /** The open dialog: the chosen path, or null when cancelled. */
  chooseOpen(): Promise<string | null>;
  /** The save dialog (it confirms replacing an existing file): the chosen path, or null. */
  chooseSave(request: { defaultName?: string; format?: 'jsonl' | 'csv' }): Promise<string | null>;
  reveal(path: string): boolean;
  applyTheme(theme: Theme): void;
}

/** Options of {@link createElectronService}. */
export interface ElectronServiceOptions {
  readonly version: string;
  readonly initialFiles: readonly string[];
  readonly demoPath: string | null;
  readonly settingsPath?: string;
}

/**
 * The service as the desktop app runs it: host `electron`, no typed paths (`allowedPlaces`
 * null), dialogs whose results the service grants. O(1).
 */
export function createElectronService(options: ElectronServiceOptions, native: NativeChoices): Service {
  return createService({
    host: 'electron',
    version: options.version,
    initialFiles: options.initialFiles,
    demoPath: options.demoPath,
    allowedPlaces: null,
    ...(options.settingsPath ? { settingsPath: options.settingsPath } : {}),
    hooks: {
      chooseOpenPath: () => native.chooseOpen(),
      chooseSavePath: (request) => native.chooseSave(request),
      reveal: (path) => native.reveal(path),
      applyTheme: (theme) => native.applyTheme(theme),
    },
  });
}

/**
 * A file the user chose outside the page (menu Open…, Open Recent, the command line, a second
 * instance, the OS, a drop the page left to the window): granted (`kind`: `open` for the open
 * dialog, `store` otherwise) and the window asked to open it with `host.open`. O(1).
 */
export function offerOpen(service: Service, path: string, kind: 'open' | 'store' = 'store'): FileRef {
  const ref = service.files.grant(path, kind);
  service.emit({ type: 'host.open', path: ref.path, file: ref.file });
  return ref;
}
