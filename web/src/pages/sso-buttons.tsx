/** Single sign-on on the sign-in page: a button per configured provider, and why a sign-in came back refused. */
import { useEffect, useState } from 'react';
import { listSsoProviders, ssoStartUrl, type SsoProvider } from '../api/sso-client.ts';
import { IconWarning } from '../components/icons.tsx';
import { ssoErrorMessage } from '../lib/sso-errors.ts';

/** Reads `?sso_error=` once and takes it off the address bar, so a reload does not show it again. */
function takeSsoError(): string | undefined {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('sso_error');
  if (code === null) return undefined;
  window.history.replaceState(null, '', '/');
  return ssoErrorMessage(code);
}

export function SsoButtons() {
  const [providers, setProviders] = useState<SsoProvider[]>([]);
  const [error] = useState(takeSsoError);

  useEffect(() => {
    const controller = new AbortController();
    // Without the list the password form still works: single sign-on is an addition, not a requirement.
    listSsoProviders(controller.signal).then(setProviders, () => setProviders([]));
    return () => controller.abort();
  }, []);

  return (
    <>
      {error && (
        <div className="notice notice-error sso-error" role="alert" data-testid="sso-error">
          <IconWarning />
          <div className="notice-text">{error}</div>
        </div>
      )}
      {providers.length > 0 && (
        <div className="sso-providers">
          <div className="sso-divider" aria-hidden="true"><span>or</span></div>
          {providers.map((p) => (
            <a key={p.id} className="button button-block" href={ssoStartUrl(p)}>Sign in with {p.displayName}</a>
          ))}
        </div>
      )}
    </>
  );
}
