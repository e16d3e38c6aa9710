/** Configuration of the HTTP server's hardening: TLS, rate limits, request limits (the `server` section). */
import { z } from 'zod';

export const httpTlsConfigSchema = z.object({
  certFile: z.string().min(1).describe('PEM server certificate (chain) file, as for intake.syslog.tls.'),
  keyFile: z.string().min(1).describe('PEM private key file of the certificate.'),
  caFile: z.string().min(1).optional().describe('PEM CA bundle used to verify client certificates (with requireClientCert).'),
  requireClientCert: z.boolean().default(false)
    .describe('Refuse clients that do not present a certificate signed by caFile (mutual TLS; browsers need the certificate installed).'),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2').describe('Oldest TLS version accepted.'),
}).strict()
  .refine((tls) => !tls.requireClientCert || tls.caFile !== undefined, 'requireClientCert needs caFile to verify client certificates against');

export type HttpTlsConfig = z.output<typeof httpTlsConfigSchema>;

const perMinute = (what: string, value: number) =>
  z.number().int().min(1).default(value).describe(`${what} (default ${value} a minute).`);

export const rateLimitsConfigSchema = z.object({
  enabled: z.boolean().default(true).describe('Whether requests are rate limited at all (turn off only behind a proxy that limits them).'),
  signInPerMinute: perMinute('Sign-in attempts (password and single sign-on routes) per client address', 20),
  publicPerMinute: perMinute('Requests to other routes that need no sign-in (health, OpenAPI, console files) per client address', 600),
  apiPerMinute: perMinute('Requests per signed-in user or API token to the REST API', 600),
  intakeAuthFailuresPerMinute: perMinute('Intake requests refused for a missing or wrong token per client address, before that address is refused for a minute; authenticated intake is never rate limited (backpressure bounds it)', 30),
}).strict();

export type RateLimitsConfig = z.output<typeof rateLimitsConfigSchema>;

export const requestLimitsConfigSchema = z.object({
  maxHeaderBytes: z.number().int().min(4096).max(1024 * 1024).default(16 * 1024)
    .describe('Largest request line plus headers in bytes; larger requests are answered 431.'),
  maxUrlLength: z.number().int().min(256).max(1024 * 1024).default(8192).describe('Longest request URL (path and query) in characters; longer ones are answered 414.'),
  maxQueryParameters: z.number().int().min(1).max(10_000).default(100).describe('Most query-string parameters in one request; more are answered 400.'),
  maxJsonDepth: z.number().int().min(2).max(256).default(32).describe('Deepest JSON nesting accepted in a REST API request body; deeper bodies are answered 400.'),
}).strict();

export type RequestLimitsConfig = z.output<typeof requestLimitsConfigSchema>;
