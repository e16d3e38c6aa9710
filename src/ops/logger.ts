import pino, { type Logger } from 'pino';

// Credential-bearing keys at the top level and one level down (pino's `*` matches one level), plus the
// HTTP headers that carry credentials in requests and responses.
const SECRET_KEYS = ['password', 'token', 'sessionToken', 'secret', 'clientSecret', 'apiKey', 'masterKey'];
const HEADERS = ['authorization', 'cookie', '["set-cookie"]', '["x-api-key"]'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`),
  ...['req.headers', 'res.headers', 'headers', '*.headers'].flatMap((at) => HEADERS.map((h) => (h.startsWith('[') ? `${at}${h}` : `${at}.${h}`))),
];

/**
 * Structured JSON logs on stdout. Secrets never reach the log: request bodies are not logged, and
 * the fields that could carry credentials are redacted wherever they appear.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'vigil' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: REDACTED_PATHS,
      censor: '[redacted]',
    },
  }, destination);
}
