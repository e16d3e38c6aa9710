/**
 * A minimal history-API router: the console has a handful of pages, and the server answers every
 * non-API path with index.html, so real paths (`/sources`, `/search?q=…`) work and can be shared.
 */
import { useSyncExternalStore } from 'react';

const EVENT = 'vigil:navigate';

export interface Location {
  path: string;
  /** Query string including the leading `?`, or ''. */
  search: string;
}

function subscribe(fn: () => void): () => void {
  window.addEventListener('popstate', fn);
  window.addEventListener(EVENT, fn);
  return () => {
    window.removeEventListener('popstate', fn);
    window.removeEventListener(EVENT, fn);
  };
}

// Snapshot as one string so React sees a stable value between changes.
const snapshot = (): string => window.location.pathname + window.location.search;

/** The current path and query string; re-renders on navigation. */
export function useLocation(): Location {
  const s = useSyncExternalStore(subscribe, snapshot);
  const q = s.indexOf('?');
  return q < 0 ? { path: s, search: '' } : { path: s.slice(0, q), search: s.slice(q) };
}

/** Goes to a same-origin path; `replace` rewrites the current history entry (for filter changes). */
export function navigate(to: string, replace = false): void {
  if (to === snapshot()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(EVENT));
}
