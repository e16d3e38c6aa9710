import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Encryption at rest for secrets Vigil must be able to read back (TOTP seeds, webhook URLs, SMTP and
 * connector credentials): AES-256-GCM under a 32-byte master key, with a random 96-bit nonce per
 * value and the purpose bound in as associated data, so a sealed value moved to another field fails
 * to open. Sealed form: `vgsec1:<base64url(nonce | ciphertext | tag)>`.
 */
export const SEALED_PREFIX = 'vgsec1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError(`the master key must be 32 bytes, got ${key.length}`);
    this.key = Buffer.from(key);
  }

  /** Encrypts `plain` for `purpose` (e.g. `totp:<user id>`); a fresh nonce each time. */
  seal(plain: string, purpose: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** Decrypts a value sealed for the same purpose; throws {@link SecretBoxError} when it was altered or the key differs. */
  open(sealed: string, purpose: string): string {
    if (!isSealed(sealed)) throw new SecretBoxError('not a sealed secret');
    const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretBoxError('sealed secret is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
      decipher.setAAD(Buffer.from(purpose, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('sealed secret cannot be opened: it was altered, or sealed with another master key or for another purpose');
    }
  }
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/**
 * Reads the master key file (32 random bytes, base64), creating it with mode 0600 when missing.
 * Losing the file makes every sealed secret unreadable: operations.md says to back it up apart from
 * the data folder.
 */
export function loadOrCreateMasterKey(path: string): Buffer {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretBoxError(`cannot read the master key ${path}: ${(err as Error).message}`);
  }
  if (text === undefined) {
    const key = randomBytes(32);
    mkdirSync(dirname(path), { recursive: true });
    // 'wx': never overwrite a key another process just wrote.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return key;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new SecretBoxError(`the master key ${path} must hold 32 bytes in base64 (openssl rand -base64 32)`);
  return key;
}
