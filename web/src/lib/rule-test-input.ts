/** Reading the event pasted into "Test this rule". Pure. */

export type PastedEvent = { ok: true; event: Record<string, unknown> | string } | { ok: false; error: string };

/**
 * The pasted text as the rule test API takes it: a JSON object (a raw record such as a Windows event,
 * or a map of fields), else the text as one raw log line. Text that starts like JSON but is not a
 * JSON object is refused with what is wrong, rather than tested as a log line.
 */
export function pastedEvent(text: string): PastedEvent {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'Paste an event: a JSON object or a log line.' };
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return { ok: true, event: trimmed };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (err) {
    return { ok: false, error: `The event is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'Paste one event: a JSON object, not a list.' };
  return { ok: true, event: value as Record<string, unknown> };
}
