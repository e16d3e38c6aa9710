/** An API call that failed: an HTTP error answer, an unreadable answer, or no answer at all. */
export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** Machine-readable code from the server's `{ error: { code } }`, or a client-side code. */
  readonly code: string;
  /** Seconds from a `Retry-After` header (throttling), when the server sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** Other members of the server's `error` object, e.g. the `position` of a query syntax error. */
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details;
  }
}

/** A message for any thrown value, fit to show to the user. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}

/** True for errors caused by an aborted fetch (navigation, unmount), which are never shown. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
