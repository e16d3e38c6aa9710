/** Sends an old link to its new place, replacing it in the history so Back does not bounce. */
import { useEffect } from 'react';
import { navigate } from '../lib/router.ts';

/** Navigates to `to` (same origin) once rendered; renders nothing. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, true), [to]);
  return null;
}
