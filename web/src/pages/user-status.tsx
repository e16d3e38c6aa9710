/** A user's status as a tag: active, disabled, or locked with when the lock ends. */
import type { UserRecord } from '../api/access-types.ts';
import { Timestamp } from '../components/time.tsx';

const STATUS_CLASS: Record<string, string> = { active: 'tag tag-ok', disabled: 'tag tag-danger', locked: 'tag tag-warn' };

/** The tag, plus the lock's end for locked users and a note when a password change is due. */
export function UserStatus({ user }: { user: UserRecord }) {
  return (
    <span className="user-status">
      <span className={STATUS_CLASS[user.status] ?? 'tag'}>{user.status}</span>
      {user.status === 'locked' && user.lockedUntil !== undefined && (
        <span className="muted small"> until <Timestamp ms={user.lockedUntil} millis={false} /></span>
      )}
      {user.mustChangePassword && user.status === 'active' && <span className="muted small"> · must change password</span>}
    </span>
  );
}
