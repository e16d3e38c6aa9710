/**
 * A signed-in API client for tests: the same HTTP calls the console makes (cookie session, CSRF
 * header). Completes the forced first-login password change when given the one-time password.
 */
export class ApiSession {
  readonly baseUrl: string;
  private cookie = '';

  private constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  static async signIn(baseUrl: string, password: string, newPassword = 'correct horse battery staple', username = 'admin'): Promise<ApiSession> {
    const session = new ApiSession(baseUrl);
    const login = await session.request('POST', '/api/v1/auth/login', { username, password });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const me = (await login.json()) as { user: { mustChangePassword: boolean } };
    if (me.user.mustChangePassword) {
      const change = await session.request('POST', '/api/v1/auth/password', { currentPassword: password, newPassword });
      if (change.status !== 204) throw new Error(`password change failed: ${change.status} ${await change.text()}`);
    }
    return session;
  }

  /** The `cookie` header this session sends, for tests that craft requests by hand. */
  get cookieHeader(): string {
    return this.cookie;
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'x-vigil-csrf': '1' };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Creates a user with `role` (as this admin session) and returns a signed-in session of theirs. */
  async createUserSession(username: string, role: string, newPassword = 'a long enough passphrase 9'): Promise<ApiSession> {
    const created = await this.json<{ oneTimePassword: string }>('POST', '/api/v1/users', { username, role });
    return ApiSession.signIn(this.baseUrl, created.oneTimePassword, newPassword, username);
  }

  /** Creates an intake source and returns its token. */
  async createSource(name: string, kind: 'http' | 'hec' | 'elastic' | 'otlp', sourceType = 'auto'): Promise<string> {
    const created = await this.json<{ token: string }>('POST', '/api/v1/sources', { name, kind, sourceType });
    return created.token;
  }
}
