/**
 * Splits a body of concatenated JSON objects (`{..}{..}` or whitespace/newline separated, as Splunk
 * HEC clients send them) into the text of each object. A single linear scan tracks strings, escapes
 * and nesting, so it rejects over-deep documents before `JSON.parse` sees them and cannot backtrack.
 */

export type SplitResult =
  | { ok: true; objects: string[] }
  /** `index` is the 0-based number of the object that is broken (HEC's `invalid-event-number`). */
  | { ok: false; index: number; reason: string };

/**
 * Text of each top-level JSON object in `text`, in order. Only checks framing (braces, strings, depth);
 * each object's text still has to be parsed. Fails on the first object that is not an object, is
 * unterminated or nests deeper than `maxDepth` (counting the object itself as depth 1).
 */
export function splitConcatenatedJson(text: string, maxDepth: number): SplitResult {
  const objects: string[] = [];
  let i = 0;
  const n = text.length;
  while (true) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) return { ok: true, objects };
    const index = objects.length;
    if (text.charCodeAt(i) !== 0x7b /* { */) {
      return { ok: false, index, reason: `expected '{' at offset ${i}` };
    }
    const start = i;
    let depth = 0;
    let inString = false;
    let end = -1;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22 /* " */) inString = false;
      } else if (c === 0x22) {
        inString = true;
      } else if (c === 0x7b || c === 0x5b /* [ */) {
        if (++depth > maxDepth) return { ok: false, index, reason: `JSON nested deeper than ${maxDepth} levels` };
      } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        if (--depth === 0) {
          end = i + 1;
          break;
        }
      }
    }
    if (end === -1) return { ok: false, index, reason: 'unterminated JSON object' };
    objects.push(text.slice(start, end));
    i = end;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
