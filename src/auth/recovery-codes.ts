import { randomInt } from 'node:crypto';
import { sha256Hex } from './secrets.ts';

/** How many one-time recovery codes a user gets when turning on TOTP or regenerating them. */
export const RECOVERY_CODE_COUNT = 10;
/** Lower-case letters and digits without the look-alikes (0/o, 1/l/i): codes are copied from paper. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/**
 * New recovery codes such as `k7qm-2xha-p9dt-ce4w`: 16 characters from 31, about 79 random bits,
 * so an unsalted SHA-256 of one (what the store keeps) cannot be reversed by guessing.
 */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-'));
}

/**
 * The stored form of a code as the user may type it: case, spaces and dashes do not matter.
 *
 * @example
 * hashRecoveryCode('K7QM 2XHA-P9DT-CE4W') === hashRecoveryCode('k7qm-2xha-p9dt-ce4w') // true
 */
export function hashRecoveryCode(code: string): string {
  return sha256Hex(code.toLowerCase().replace(/[\s-]+/g, ''));
}
