/** Configuration of the syslog listeners (UDP, TCP, TLS). */
import { z } from 'zod';

const host = z.string().min(1).default('127.0.0.1')
  .describe('Address to listen on (127.0.0.1 by default; 0.0.0.0 or :: to accept remote senders).');
const port = (standard: number) =>
  z.number().int().min(0).max(65535).default(standard).describe(`Port to listen on (0 picks a free one; standard is ${standard}).`);
const enabled = z.boolean().default(true).describe('Whether this listener runs when its section is present.');

export const syslogListenerConfigSchema = z.object({
  udp: z.object({ enabled, host, port: port(514) }).strict().optional()
    .describe('Syslog over UDP (RFC 5426): one message per datagram. Datagrams are dropped and counted while the pipeline is saturated.'),
  tcp: z.object({ enabled, host, port: port(514) }).strict().optional()
    .describe('Syslog over TCP (RFC 6587): octet counting or LF framing, detected per frame. Reading pauses while the pipeline is saturated.'),
  tls: z.object({
    enabled,
    host,
    port: port(6514),
    certFile: z.string().min(1).describe('PEM server certificate (chain) file.'),
    keyFile: z.string().min(1).describe('PEM private key file of the certificate.'),
    caFile: z.string().min(1).optional().describe('PEM CA bundle used to verify client certificates.'),
    requireClientCert: z.boolean().default(false)
      .describe('Refuse clients that do not present a certificate signed by caFile (mutual TLS).'),
  }).strict().optional()
    .refine((tls) => !tls?.requireClientCert || tls.caFile !== undefined, 'requireClientCert needs caFile to verify client certificates against')
    .describe('Syslog over TLS (RFC 5425), same framing as TCP.'),
  sourceName: z.string().min(1).default('syslog').describe('Source name given to records received over syslog.'),
  sourceType: z.string().min(1).default('syslog').describe('Parser for syslog messages (`auto` detects per message).'),
  maxMessageBytes: z.number().int().min(480).max(16 * 1024 * 1024).default(64 * 1024)
    .describe('Largest syslog message in bytes; longer messages are cut at this size, marked `truncated` and counted.'),
  maxConnections: z.number().int().min(1).default(1000)
    .describe('Most concurrent TCP plus TLS connections per listener; further connections are refused and counted.'),
  idleTimeoutSeconds: z.number().int().min(0).default(300)
    .describe('Close TCP/TLS connections that send nothing for this long (0: never). Paused connections are exempt.'),
}).strict();

/** Parsed syslog listener configuration. */
export type SyslogListenerConfig = z.output<typeof syslogListenerConfigSchema>;
/** Syslog listener configuration as written by a user, before defaults. */
export type SyslogListenerConfigInput = z.input<typeof syslogListenerConfigSchema>;
