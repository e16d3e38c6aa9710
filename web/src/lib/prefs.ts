/** Per-browser display preferences, kept in localStorage. */
import { createContext, useContext } from 'react';

const UTC_KEY = 'vigil.utc';

/** Whether times are shown in UTC (true) or the browser's time zone. */
export function loadUtcPref(): boolean {
  try {
    return window.localStorage.getItem(UTC_KEY) === '1';
  } catch {
    return false; // Storage can be disabled by policy; the default is fine then.
  }
}

/** Remembers the time zone choice. */
export function saveUtcPref(utc: boolean): void {
  try {
    window.localStorage.setItem(UTC_KEY, utc ? '1' : '0');
  } catch {
    // Not persisted; the choice still applies until reload.
  }
}

export interface Prefs {
  utc: boolean;
  setUtc(utc: boolean): void;
}

export const PrefsContext = createContext<Prefs>({ utc: false, setUtc: () => {} });

/** The display preferences. */
export function usePrefs(): Prefs {
  return useContext(PrefsContext);
}
