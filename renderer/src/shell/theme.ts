/**
 * Dark and light themes. The preference (dark, light, system) is saved by the host
 * (`theme.get`/`theme.set`, so the Electron menu and the page agree) and mirrored in
 * localStorage so the first paint already has the right colours.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Theme } from '../../../app/contract';
import { useServiceEvent, useTransport } from '../api/hooks';

const KEY = 'thunderhead.theme';

export function isTheme(v: unknown): v is Theme {
  return v === 'dark' || v === 'light' || v === 'system';
}

/** The theme to draw with, given the preference and whether the system prefers dark. */
export function effectiveTheme(pref: Theme, systemDark: boolean): 'dark' | 'light' {
  if (pref === 'system') return systemDark ? 'dark' : 'light';
  return pref;
}

function storedPreference(): Theme {
  try {
    const v = window.localStorage.getItem(KEY);
    return isTheme(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

function systemPrefersDark(): boolean {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? true;
}

/** Applies the stored theme before React renders (called from main.tsx). */
export function applyInitialTheme(): void {
  document.documentElement.dataset.theme = effectiveTheme(storedPreference(), systemPrefersDark());
}

export function useTheme(): { preference: Theme; effective: 'dark' | 'light'; setPreference: (t: Theme) => void } {
  const transport = useTransport();
  const [preference, setPref] = useState<Theme>(storedPreference);
  const [systemDark, setSystemDark] = useState(systemPrefersDark);

  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = () => setSystemDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);

  // The host's saved preference wins over this tab's memory.
  useEffect(() => {
    let live = true;
    transport
      .call('theme.get', {})
      .then((r) => {
        if (live && isTheme(r.theme)) setPref(r.theme);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [transport]);

  useServiceEvent('theme.changed', (e) => setPref(e.theme));

  const effective = effectiveTheme(preference, systemDark);
  useEffect(() => {
    document.documentElement.dataset.theme = effective;
    try {
      window.localStorage.setItem(KEY, preference);
    } catch {
      // storage may be unavailable; the host keeps the setting anyway
    }
  }, [effective, preference]);

  const setPreference = useCallback(
    (t: Theme) => {
      setPref(t);
      void transport.call('theme.set', { theme: t }).catch(() => undefined);
    },
    [transport],
  );

  return { preference, effective, setPreference };
}
