/** The top bar's user menu: who is signed in, time zone, change password and security (local accounts), tokens, sessions, sign out. */
import { useEffect, useRef, useState } from 'react';
import type { User } from '../api/types.ts';
import { can } from '../lib/access.ts';
import { usePrefs } from '../lib/prefs.ts';
import { navigate } from '../lib/router.ts';
import { IconCaretDown, IconUser } from './icons.tsx';

/** A dropdown anchored to the user's name. */
export function UserMenu({ user, onChangePassword, onSignOut }: { user: User; onChangePassword(): void; onSignOut(): void }) {
  const local = user.authSource === 'local';
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const { utc, setUtc } = usePrefs();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') setOpen(false); };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const pick = (fn: () => void) => () => { setOpen(false); fn(); };
  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-menu-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="avatar"><IconUser size={14} /></span>
        <span className="user-menu-name">{user.username}</span>
        <IconCaretDown size={14} />
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-header">
            <div className="menu-user">{user.username}</div>
            <div className="muted">Role: {user.role}</div>
          </div>
          <button type="button" role="menuitemcheckbox" aria-checked={utc} className="menu-item" onClick={() => setUtc(!utc)}>
            <span>Show times in UTC</span><span className={utc ? 'switch switch-on' : 'switch'} aria-hidden="true" />
          </button>
          <div className="menu-separator" />
          {/* Single-sign-on users have no Vigil password or second factor: their identity provider keeps those. */}
          {local && <button type="button" role="menuitem" className="menu-item" onClick={pick(onChangePassword)}>Change password</button>}
          {can(user, 'tokens:write') && <button type="button" role="menuitem" className="menu-item" onClick={pick(() => navigate('/account/tokens'))}>API tokens</button>}
          <button type="button" role="menuitem" className="menu-item" onClick={pick(() => navigate('/account/sessions'))}>Sessions</button>
          {local && <button type="button" role="menuitem" className="menu-item" onClick={pick(() => navigate('/account/security'))}>Security</button>}
          <button type="button" role="menuitem" className="menu-item" onClick={pick(onSignOut)}>Sign out</button>
        </div>
      )}
    </div>
  );
}
