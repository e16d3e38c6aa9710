/**
 * Every error code the REST API answers with, in one place: clients switch on `error.code`, people
 * read `error.message`. docs/api.md lists them; a test fails when one is missing there.
 */
export const API_ERRORS = {
  VALIDATION: { status: 400, text: 'The request is invalid.' },
  UNAUTHENTICATED: { status: 401, text: 'Sign in first.' },
  INVALID_CREDENTIALS: { status: 401, text: 'Wrong username or password.' },
  CSRF: { status: 403, text: 'Missing x-vigil-csrf header on a state-changing request.' },
  MFA_CHALLENGE_EXPIRED: { status: 401, text: 'This sign-in expired or ran out of code attempts; sign in with your password again.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, text: 'Change the one-time password before doing anything else.' },
  MFA_ENROLLMENT_REQUIRED: { status: 403, text: 'Turn on two-step sign-in (an authenticator app) before doing anything else.' },
  FORBIDDEN: { status: 403, text: 'Your role does not allow this.' },
  NOT_FOUND: { status: 404, text: 'No such resource.' },
  CONFLICT: { status: 409, text: 'The resource already exists.' },
  PAYLOAD_TOO_LARGE: { status: 413, text: 'The request body is too large.' },
  URI_TOO_LONG: { status: 414, text: 'The URL is too long.' },
  THROTTLED: { status: 429, text: 'Too many attempts; wait before trying again.' },
  IMPORT_REFUSED: { status: 422, text: 'The rule archive was refused (too many members, too large uncompressed, or unreadable).' },
  QUERY_SYNTAX: { status: 400, text: 'The search query is not valid; `position` tells where.' },
  QUERY_TIMEOUT: { status: 504, text: 'The search took longer than its time limit and was stopped.' },
  INTERNAL: { status: 500, text: 'Something went wrong on the server; the log has details.' },
  UNAVAILABLE: { status: 503, text: 'The service is temporarily unavailable.' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error a route throws to answer with a specific code and a message for people. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly headers: Record<string, string>;
  /** Extra members of the error body, e.g. `position` of a QUERY_SYNTAX error. */
  readonly details: Record<string, unknown>;
  constructor(code: ApiErrorCode, message?: string, headers: Record<string, string> = {}, details: Record<string, unknown> = {}) {
    super(message ?? API_ERRORS[code].text);
    this.code = code;
    this.headers = headers;
    this.details = details;
  }
}

export function errorBody(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { ...details, code, message } };
}
