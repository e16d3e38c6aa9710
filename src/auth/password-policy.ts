import { isCommonPassword } from './common-passwords.ts';

/** Default of `auth.password.minLength`; the setting may not go below {@link LOWEST_MIN_PASSWORD_LENGTH}. */
export const MIN_PASSWORD_LENGTH = 12;
/** NIST SP 800-63B's floor for passwords a person chooses. */
export const LOWEST_MIN_PASSWORD_LENGTH = 8;

/**
 * Why a new password is refused, or undefined when it is acceptable.
 *
 * @example
 * passwordPolicyProblem('Sunshine2024!', 'ann') // 'password is one of the most common passwords ...'
 */
export function passwordPolicyProblem(password: string, username: string, minLength = MIN_PASSWORD_LENGTH): string | undefined {
  if (password.length < minLength) return `password must be at least ${minLength} characters long`;
  if (password.length > 1024) return 'password must be at most 1024 characters long';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'password must not contain the username';
  if (new Set(password).size < 5) return 'password must use at least 5 different characters';
  if (isCommonPassword(password)) {
    return 'password is one of the most common passwords (or one with digits or symbols added): choose a phrase of several unrelated words';
  }
  return undefined;
}
