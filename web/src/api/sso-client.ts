/** Single sign-on providers for the sign-in page. */
import { request } from './client.ts';
import { arr, obj, str } from './decode.ts';

export interface SsoProvider {
  id: string;
  displayName: string;
}

/** The configured providers (none when single sign-on is not set up). */
export async function listSsoProviders(signal?: AbortSignal): Promise<SsoProvider[]> {
  const body = obj(await request('GET', '/auth/sso/providers', { signal, quiet401: true }), 'the answer');
  return arr(body.providers, 'providers').map((p, i) => {
    const provider = obj(p, `providers[${i}]`);
    return { id: str(provider.id, `providers[${i}].id`), displayName: str(provider.displayName, `providers[${i}].displayName`) };
  });
}

/** Where the browser goes to sign in with `provider`: a navigation, not a fetch (the provider's pages follow). */
export function ssoStartUrl(provider: SsoProvider): string {
  return `/api/v1/auth/sso/${encodeURIComponent(provider.id)}/start`;
}
