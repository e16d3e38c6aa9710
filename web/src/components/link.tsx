/** An anchor that navigates inside the console without reloading (and still works with ctrl/middle click). */
import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../lib/router.ts';

/** A same-origin link to `to`. */
export function Link({ to, children, className, current = false }: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} className={className} onClick={onClick} aria-current={current ? 'page' : undefined}>{children}</a>;
}
