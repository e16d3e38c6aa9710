/**
 * Sigma `re` values run on RE2 (the pure-JavaScript `re2js` port), whose matching time is linear in
 * the input whatever the pattern: V8's own RegExp backtracks and a hostile or careless rule could
 * stall a detection worker. Patterns RE2 cannot run (backreferences, lookahead) are refused with
 * the engine's reason, and the rule is reported unsupported.
 *
 * @see /work/shared/sigma-specification/specification/sigma-appendix-modifiers.md ("Regular Expression")
 */
import { RE2JS } from 're2js';

/** The `re` sub-modifiers: i (ignore case), m (^ and $ at line breaks), s (dot matches newline). */
export interface RegexFlags {
  ignoreCase: boolean;
  multiline: boolean;
  dotAll: boolean;
}

/**
 * Compiles a Sigma regular expression into an unanchored test (a match anywhere in the value, as
 * Sigma backends search). Throws an Error whose message says why RE2 cannot run the pattern.
 *
 * @example compileRegex('^c:\\\\windows\\\\', { ignoreCase: true, multiline: false, dotAll: false })('C:\\Windows\\x') // true
 */
export function compileRegex(pattern: string, flags: RegexFlags): (value: string) => boolean {
  let bits = 0;
  if (flags.ignoreCase) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.multiline) bits |= RE2JS.MULTILINE;
  if (flags.dotAll) bits |= RE2JS.DOTALL;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern, bits);
  } catch (error) {
    throw new Error(`the regular expression cannot run in linear time (RE2): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (value) => compiled.test(value);
}
