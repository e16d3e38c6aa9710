import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { Agent, fetch, type Response } from 'undici';

/** A free port on 127.0.0.1, for a Vigil whose callback URL must be registered at the provider before it starts. */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A user at the test identity provider; change `groups` between sign-ins to see roles follow. */
export interface TestAccount {
  name: string;
  email: string;
  groups: string[];
  /** Defaults to the account id. */
  preferredUsername?: string;
}

export interface TestIdp {
  issuer: string;
  /** The provider's certificate (self-signed): the only thing a client must trust to reach it. */
  caFile: string;
  accounts: Map<string, TestAccount>;
  /** Registers Vigil as a client once its callback URL is known. */
  registerClient(client: { clientId: string; clientSecret: string; redirectUri: string }): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (`oidc-provider`) over HTTPS on 127.0.0.1, with a certificate made
 * for the test by openssl. Its development login form accepts any account id (no password check);
 * the claims come from `accounts`. As with many real providers, `groups` are released with the
 * `groups` scope and reach the client through userinfo, not in the ID token.
 */
export async function startTestIdp(dir: string): Promise<TestIdp> {
  const key = join(dir, 'idp-key.pem');
  const caFile = join(dir, 'idp-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', caFile,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(caFile) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();

  return {
    issuer, caFile, accounts,
    registerClient({ clientId, clientSecret, redirectUri }) {
      const provider = new Provider(issuer, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
        scopes: ['openid', 'profile', 'email', 'groups'],
        claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
        cookies: { keys: ['test-only-cookie-signing-key'] },
        ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
        findAccount: (_ctx, id) => {
          const account = accounts.get(id);
          if (!account) return undefined;
          return {
            accountId: id,
            claims: () => ({ sub: id, name: account.name, email: account.email, preferred_username: account.preferredUsername ?? id, groups: account.groups }),
          };
        },
      });
      server.on('request', provider.callback());
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * A browser, as far as the sign-in needs one: follows redirects by hand, keeps cookies per origin,
 * and fills the provider's login and consent forms. Trusts the test provider's certificate.
 */
export class TestBrowser {
  private readonly dispatcher: Agent;
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(caFile: string) {
    this.dispatcher = new Agent({ connect: { ca: readFileSync(caFile, 'utf8') } });
  }

  /** Vigil's session cookie value, once signed in. */
  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  /**
   * Opens `url` and follows redirects, signing in at the provider as `accountId`, until a redirect
   * leads back to `until` (an origin): returns that final location. `onRedirect` may rewrite a hop.
   */
  async signIn(url: string, accountId: string, until: string, onRedirect: (location: URL) => URL = (l) => l): Promise<URL> {
    let next = new URL(url);
    for (let hop = 0; hop < 20; hop++) {
      const response = await this.request(next);
      if (response.status >= 300 && response.status < 400) {
        const location = onRedirect(new URL(response.headers.get('location')!, next));
        await response.body?.cancel();
        // Arrived: the console (`/` or `/login?...`), not another API hop.
        if (location.origin === until && !location.pathname.startsWith('/api/')) return location;
        next = location;
        continue;
      }
      const html = await response.text();
      if (response.status !== 200) throw new Error(`${next.href} answered ${response.status}: ${html.slice(0, 500)}`);
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (!action || !prompt) throw new Error(`unexpected page at ${next.href}: ${html.slice(0, 500)}`);
      const form = new URLSearchParams(prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt });
      const submitted = await this.request(new URL(action, next), form);
      if (submitted.status < 300 || submitted.status >= 400) throw new Error(`form at ${next.href} answered ${submitted.status}`);
      await submitted.body?.cancel();
      next = new URL(submitted.headers.get('location')!, next);
    }
    throw new Error('too many redirects');
  }

  /** A GET (or a form POST) with this browser's cookies for the origin; stores the cookies it sets. */
  async request(url: URL, form?: URLSearchParams): Promise<Response> {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET', body: form, headers, redirect: 'manual', dispatcher: this.dispatcher,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
}
