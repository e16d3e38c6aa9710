/** What Vigil must remember between sending a browser to the provider and its return. */
export interface PendingLogin {
  provider: string;
  nonce: string;
  codeVerifier: string;
  createdAt: number;
}

export interface PendingLoginsOptions {
  /** How long a browser may take at the provider. */
  ttlMs: number;
  /** Most logins in flight; the oldest is forgotten beyond it, so a flood of `start` calls cannot exhaust memory. */
  maxEntries: number;
}

/**
 * Sign-ins in flight, keyed by their random `state`, kept in memory: a login is taken (and removed)
 * once, so a replayed callback finds nothing. A restart forgets them: those users click again.
 */
export class PendingLogins {
  private readonly entries = new Map<string, PendingLogin>();
  private readonly options: PendingLoginsOptions;

  constructor(options: PendingLoginsOptions) {
    this.options = options;
  }

  add(state: string, login: PendingLogin): void {
    this.prune(login.createdAt);
    // Map keeps insertion order: the first key is the oldest login.
    while (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(state, login);
  }

  /** The login started with `state`, removed so it cannot be used twice; undefined when unknown or expired. */
  take(state: string, now: number): PendingLogin | undefined {
    const login = this.entries.get(state);
    if (!login) return undefined;
    this.entries.delete(state);
    return now - login.createdAt < this.options.ttlMs ? login : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  private prune(now: number): void {
    for (const [state, login] of this.entries) {
      if (now - login.createdAt < this.options.ttlMs) break;
      this.entries.delete(state);
    }
  }
}
