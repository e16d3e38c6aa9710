import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import type { OidcProviderConfig } from './oidc-config.ts';

/** Seconds an exchange with the provider may take (discovery, token, userinfo). */
const REQUEST_TIMEOUT_SECONDS = 10;

/** Why talking to the provider failed: it could not be reached, or what it sent was refused. */
export class OidcExchangeError extends Error {
  override name = 'OidcExchangeError';
  readonly kind: 'unreachable' | 'refused' | 'idp-error';
  constructor(kind: OidcExchangeError['kind'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

export interface AuthorizationRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * One OpenID Connect provider, through openid-client: discovery (once, retried after a failure),
 * the authorization code flow with PKCE, state and nonce, and ID token validation (signature,
 * issuer, audience, expiry, nonce) by the library. Claims missing from the ID token (many providers
 * put groups only in userinfo) are read from the userinfo endpoint.
 */
export class OidcProviderClient {
  private readonly provider: OidcProviderConfig;
  private readonly redirectUri: string;
  private readonly fetch: client.CustomFetch | undefined;
  private configuration: Promise<client.Configuration> | undefined;

  constructor(provider: OidcProviderConfig, redirectUri: string) {
    this.provider = provider;
    this.redirectUri = redirectUri;
    this.fetch = provider.caFile === undefined ? undefined : fetchTrusting(provider.id, provider.caFile);
  }

  async authorizationRequest(): Promise<AuthorizationRequest> {
    const config = await this.discover();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.provider.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Exchanges the code in `callbackUrl` (the redirect URI with the provider's query string) and
   * returns the validated claims: the ID token's, completed by userinfo when `wanted` claims are missing.
   */
  async exchange(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }, wanted: readonly string[]): Promise<Record<string, unknown>> {
    const config = await this.discover();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        expectedState: checks.state, expectedNonce: checks.nonce, pkceCodeVerifier: checks.codeVerifier, idTokenExpected: true,
      });
    } catch (err) {
      if (err instanceof client.AuthorizationResponseError) {
        throw new OidcExchangeError('idp-error', `the provider answered ${err.error}${err.error_description ? `: ${err.error_description}` : ''}`, { cause: err });
      }
      throw classify(err, 'the code exchange failed');
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new OidcExchangeError('refused', 'the provider sent no ID token');
    const claims: Record<string, unknown> = { ...idClaims };
    if (wanted.some((name) => claims[name] === undefined) && config.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        // The ID token's claims win: they are signed; userinfo only fills the gaps.
        for (const [name, value] of Object.entries(userinfo)) if (claims[name] === undefined) claims[name] = value;
      } catch (err) {
        throw classify(err, 'reading userinfo failed');
      }
    }
    return claims;
  }

  private discover(): Promise<client.Configuration> {
    if (!this.configuration) {
      const options: client.DiscoveryRequestOptions = { timeout: REQUEST_TIMEOUT_SECONDS };
      if (this.fetch) options[client.customFetch] = this.fetch;
      this.configuration = client.discovery(
        new URL(this.provider.issuer), this.provider.clientId, undefined, client.ClientSecretBasic(this.provider.clientSecret), options,
      ).catch((err: unknown) => {
        // Forget the failure: the next sign-in tries again (the provider may be back).
        this.configuration = undefined;
        throw classify(err, `discovery at ${this.provider.issuer} failed`);
      });
    }
    return this.configuration;
  }
}

/** Network failures and timeouts are `unreachable`; anything the library refused (bad token, bad answer) is `refused`. */
function classify(err: unknown, what: string): OidcExchangeError {
  if (err instanceof OidcExchangeError) return err;
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const network = error.name === 'TimeoutError' || error.name === 'AbortError' || (error.name === 'TypeError' && error.message === 'fetch failed');
  const detail = error.cause?.message ?? error.message ?? String(err);
  return new OidcExchangeError(network ? 'unreachable' : 'refused', `${what}: ${error.message ?? String(err)}${detail !== error.message ? ` (${detail})` : ''}`, { cause: err });
}

/**
 * A fetch that trusts the system's certificate authorities plus those in `caFile`, for providers
 * behind a private PKI (an internal Keycloak). Only this provider's requests use it.
 */
function fetchTrusting(providerId: string, caFile: string): client.CustomFetch {
  let extra: string;
  try {
    extra = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the caFile of single sign-on provider "${providerId}" (${caFile}): ${(err as Error).message}`, { cause: err });
  }
  const dispatcher = new Agent({ connect: { ca: [...rootCertificates, extra] } });
  // undici's Response is the same class Node's fetch returns; openid-client checks it by shape.
  return async (url, options) => (await undiciFetch(url, { ...options, dispatcher })) as unknown as Response;
}
