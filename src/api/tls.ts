import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { HttpTlsConfig } from './http-config.ts';

/** TLS options for the HTTPS server, as `https.createServer` takes them. */
export interface HttpsServerOptions extends SecureContextOptions {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

/**
 * Reads the certificate files of `server.tls` and checks they form a usable server context (the key
 * matches the certificate, the PEM parses) at start, so a wrong file stops Vigil with the setting
 * named instead of failing every handshake later.
 *
 * @example loadHttpsOptions({ certFile: 'tls.crt', keyFile: 'tls.key', requireClientCert: false, minVersion: 'TLSv1.2' })
 */
export function loadHttpsOptions(config: HttpTlsConfig): HttpsServerOptions {
  const cert = readPem(config.certFile, 'certFile');
  const key = readPem(config.keyFile, 'keyFile');
  const ca = config.caFile === undefined ? undefined : readPem(config.caFile, 'caFile');
  const options: HttpsServerOptions = {
    cert, key, ...(ca ? { ca } : {}), minVersion: config.minVersion,
    requestCert: config.requireClientCert, rejectUnauthorized: config.requireClientCert,
  };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new Error(`server.tls: the certificate ${config.certFile} and key ${config.keyFile} cannot be used together: ${(err as Error).message}`, { cause: err });
  }
  return options;
}

function readPem(path: string, setting: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new Error(`server.tls.${setting}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!pem.includes('-----BEGIN ')) throw new Error(`server.tls.${setting}: ${path} is not a PEM file (no -----BEGIN line)`);
  return pem;
}
