/**
 * Event text is attacker-controlled. React already renders it as text (never HTML), but invisible
 * characters can still mislead an analyst: bidirectional overrides reorder what is displayed
 * ("exe.txt" shown for "txt.exe"), control characters hide or fake line structure. These helpers make
 * them visible as escapes.
 */

function isSuspicious(code: number, keepNewlines: boolean): boolean {
  if (code === 0x0a || code === 0x09) return !keepNewlines;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  // Bidi embeddings/overrides/isolates, and zero-width / BOM characters.
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return true;
  if (code === 0x200b || code === 0x200e || code === 0x200f || code === 0xfeff || code === 0x061c) return true;
  return false;
}

function escapeChar(code: number): string {
  if (code === 0x0a) return '\\n';
  if (code === 0x09) return '\\t';
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `s` with control, bidi-override and zero-width characters replaced by visible escapes such as
 * `\u202e`. With `keepNewlines`, line feeds and tabs stay (for multi-line original text).
 */
export function visibleText(s: string, keepNewlines = false): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (isSuspicious(code, keepNewlines)) {
      out += s.slice(last, i) + escapeChar(code);
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** At most `max` characters of `s`, with an ellipsis when cut. Keeps huge values from bloating tables. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** Any field value as display text: strings as-is, everything else as JSON. */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
