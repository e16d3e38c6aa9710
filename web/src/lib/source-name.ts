/** Client-side checks on a new source's name, so mistakes are caught before a round trip. */

const MAX_NAME = 64;

function isNameChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '-' || ch === '_' || ch === '.';
}

/** A message saying what is wrong with `raw` as a new source name, or null when it is fine. */
export function validateSourceName(raw: string, existing: readonly string[]): string | null {
  const name = raw.trim();
  if (name === '') return 'Give the source a name.';
  if (name.length > MAX_NAME) return `The name is too long (at most ${MAX_NAME} characters).`;
  const first = name[0] ?? '';
  if (!isNameChar(first) || first === '-' || first === '_' || first === '.') return 'The name must start with a letter or digit.';
  for (const ch of name) {
    if (!isNameChar(ch)) return `The name cannot contain “${ch === ' ' ? 'space' : ch}”: use letters, digits, dot, dash and underscore.`;
  }
  if (existing.includes(name)) return `A source named “${name}” already exists.`;
  return null;
}
