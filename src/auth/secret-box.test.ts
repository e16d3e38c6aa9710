import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSealed, loadOrCreateMasterKey, SecretBox } from './secret-box.ts';

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 7));

  it('seals with a fresh nonce and opens only for the same purpose and key', () => {
    const a = box.seal('otpauth seed', 'totp:u1');
    const b = box.seal('otpauth seed', 'totp:u1');
    expect(a).not.toBe(b);
    expect(isSealed(a)).toBe(true);
    expect(a).not.toContain('seed');
    expect(box.open(a, 'totp:u1')).toBe('otpauth seed');
    expect(() => box.open(a, 'totp:u2')).toThrow(/altered|another/);
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(a, 'totp:u1')).toThrow(/another master key/);
  });

  it('detects tampering and refuses what is not a sealed value', () => {
    const sealed = box.seal('x', 'p');
    const raw = Buffer.from(sealed.slice('vgsec1:'.length), 'base64url');
    raw[raw.length - 20]! ^= 1;
    expect(() => box.open(`vgsec1:${raw.toString('base64url')}`, 'p')).toThrow(/altered/);
    expect(() => box.open('plain text', 'p')).toThrow(/not a sealed/);
    expect(() => box.open('vgsec1:abc', 'p')).toThrow(/truncated/);
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
  });

  it('creates the master key file once, private to the owner, and reads it back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vigil-key-')), 'keys', 'master.key');
    const key = loadOrCreateMasterKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateMasterKey(path).equals(key)).toBe(true);
    expect(readFileSync(path, 'utf8').trim()).toBe(key.toString('base64'));
    writeFileSync(path, 'too short');
    expect(() => loadOrCreateMasterKey(path)).toThrow(/32 bytes/);
  });
});
