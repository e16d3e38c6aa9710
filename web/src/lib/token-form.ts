/** The "New API token" form's checks and the usage example shown with the secret. Pure, tested alone. */

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 365;

export interface TokenInput {
  name: string;
  permissions: string[];
  expiresInDays: number;
}

/**
 * The request to send, or a message saying what to fix. `allowed` is what the user may grant
 * (their own permissions): the server refuses more, so the form never offers it.
 */
export function checkTokenForm(form: { name: string; permissions: readonly string[]; days: string }, allowed: readonly string[]): TokenInput | string {
  const name = form.name.trim();
  if (name === '') return 'Name the token after what will use it, e.g. "siem-export".';
  if (name.length > 64) return 'The name is too long: at most 64 characters.';
  if (form.permissions.length === 0) return 'Choose at least one permission for the token.';
  const excess = form.permissions.filter((p) => !allowed.includes(p));
  if (excess.length > 0) return `You cannot grant permissions you do not have: ${excess.join(', ')}.`;
  const days = Number(form.days);
  if (!/^\d+$/.test(form.days.trim()) || !Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    return `The token must expire in 1 to ${MAX_TOKEN_DAYS} days.`;
  }
  return { name, permissions: [...new Set(form.permissions)], expiresInDays: days };
}

/** A curl call that reads events with the token, for the "token created" dialog. */
export function tokenUsageExample(origin: string, secret: string): string {
  return `curl -H "Authorization: Bearer ${secret}" "${origin}/api/v1/events?limit=10"`;
}
