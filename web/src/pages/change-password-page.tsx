/** Forced password change after signing in with a generated or reset password. */
import { logout } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { Logo } from '../components/icons.tsx';
import { PasswordForm } from './password-form.tsx';

/** Blocks the console until the user has chosen their own password. */
export function ChangePasswordPage({ user, onChanged, onSignedOut }: { user: User; onChanged(): void; onSignedOut(): void }) {
  const signOut = (): void => {
    void logout().catch(() => undefined).finally(onSignedOut);
  };
  return (
    <div className="center-screen auth-screen">
      <div className="auth-card">
        <div className="auth-brand"><Logo size={28} /><span>Vigil</span></div>
        <h1>Choose a new password</h1>
        <p className="muted auth-lead">
          Signed in as <strong>{user.username}</strong> with a one-time password. Choose your own password to continue.
        </p>
        <PasswordForm username={user.username} onChanged={onChanged} submitLabel="Set password and continue"
          extraActions={<button type="button" className="button button-ghost" onClick={signOut}>Sign out</button>} />
      </div>
    </div>
  );
}
