/** Forced two-step sign-in enrollment when the server requires it (`auth.mfa.required`). */
import { logout } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { Logo } from '../components/icons.tsx';
import { TotpEnrollment } from './totp-enrollment.tsx';

/** Blocks the console until the user has turned on two-step sign-in. */
export function MfaEnrollmentPage({ user, onEnabled, onSignedOut }: { user: User; onEnabled(): void; onSignedOut(): void }) {
  const signOut = (): void => {
    void logout().catch(() => undefined).finally(onSignedOut);
  };
  return (
    <div className="center-screen auth-screen">
      <div className="auth-card auth-card-wide">
        <div className="auth-brand"><Logo size={28} /><span>Vigil</span></div>
        <h1>Set up two-step sign-in</h1>
        <p className="muted auth-lead">
          Signed in as <strong>{user.username}</strong>. This Vigil requires a code from an authenticator app at every sign-in; set it up to continue.
        </p>
        <TotpEnrollment username={user.username} onEnabled={onEnabled} onCancel={signOut} />
      </div>
    </div>
  );
}
