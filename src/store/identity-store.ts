/**
 * Links between accounts at external identity providers (OpenID Connect) and Vigil users: the
 * provider's `sub` is stable where usernames and emails are not, so a returning user is found by
 * (provider, subject) and never by name.
 */
export interface ExternalIdentity {
  /** The provider's id in the configuration (`auth.oidc.providers[].id`). */
  provider: string;
  /** The `sub` claim: unique and never reassigned within the provider. */
  subject: string;
  userId: string;
  createdAt: number;
  lastLoginAt?: number;
}

export interface IdentityStore {
  find(provider: string, subject: string): ExternalIdentity | undefined;
  /** Refused (`conflict`) when the (provider, subject) pair is linked already. */
  link(identity: ExternalIdentity): void;
  touch(provider: string, subject: string, lastLoginAt: number): void;
}
