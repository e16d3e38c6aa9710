/** Data-loading hooks shared by the pages. */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { isAbort } from '../api/errors.ts';

export interface Polled<T> {
  data: T | undefined;
  /** The last failure; earlier data stays in `data` so a blip does not blank the page. */
  error: unknown;
  loading: boolean;
  /** When `data` was last loaded (ms). */
  updatedAt: number | undefined;
  refresh(): void;
}

/**
 * Loads with `load` now and every `intervalMs` (0: only on demand), skipping ticks while the tab is
 * hidden and refreshing when it becomes visible. A newer load aborts an older one still in flight.
 * `key` changes restart loading (and clear data, since it belongs to another query).
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, key = ''): Polled<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown; loading: boolean; updatedAt: number | undefined }>(
    { key, data: undefined, error: undefined, loading: true, updatedAt: undefined },
  );
  const loadRef = useRef(load);
  loadRef.current = load;
  const ctrl = useRef<AbortController | null>(null);

  const run = useCallback(() => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(c.signal).then(
      (data) => { if (!c.signal.aborted) setState({ key, data, error: undefined, loading: false, updatedAt: Date.now() }); },
      (error: unknown) => { if (!c.signal.aborted && !isAbort(error)) setState((s) => ({ ...s, error, loading: false })); },
    );
  }, [key]);

  useEffect(() => {
    setState((s) => (s.key === key ? s : { key, data: undefined, error: undefined, loading: true, updatedAt: undefined }));
    run();
    const onVisible = (): void => { if (!document.hidden) run(); };
    document.addEventListener('visibilitychange', onVisible);
    const timer = intervalMs > 0 ? window.setInterval(() => { if (!document.hidden) run(); }, intervalMs) : undefined;
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      if (timer !== undefined) window.clearInterval(timer);
      ctrl.current?.abort();
    };
  }, [run, intervalMs]);

  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true, updatedAt: undefined };
  return { data: current.data, error: current.error, loading: current.loading, updatedAt: current.updatedAt, refresh: run };
}

/** The current time, updated every `everyMs`, for relative times that stay true while on screen. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(t);
  }, [everyMs]);
  return now;
}

/** A ref for an element and its current content width in px (0 until mounted), following resizes. */
export function useElementWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) setWidth(Math.floor(e.contentRect.width));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** While `open`, calls `close` on a pointer press outside `ref`'s element or on Escape (popovers, menus). */
export function useDismiss(ref: RefObject<HTMLElement | null>, open: boolean, close: () => void): void {
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) closeRef.current();
    };
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') closeRef.current(); };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [ref, open]);
}
