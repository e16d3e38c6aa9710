import type { EventFields } from '../core/event.ts';

/**
 * Adds what the transport knew about a record (kept by intake in `meta`) to its event, without
 * overriding what the record itself said: the sender's address, the file it was read from, Splunk
 * HEC envelope fields, and tags for records cut at a size limit. Returns a HEC `time` (ms) to use
 * when the record carried no timestamp of its own.
 */
export function addTransportFields(fields: EventFields, meta: Record<string, string> | undefined): number | undefined {
  if (!meta) return undefined;
  const sender = meta.remote ?? meta['client.ip'];
  if (sender !== undefined) fields['log.source.address'] ??= sender;
  if (meta.tlsPeer !== undefined) fields['tls.client.subject'] ??= `CN=${meta.tlsPeer}`;
  if (meta.file !== undefined) fields['log.file.path'] ??= meta.file;
  const tags: string[] = [];
  if (meta.truncated !== undefined) tags.push('truncated');
  if (meta.incomplete !== undefined) tags.push('incomplete');
  if (meta.encoding === 'invalid-utf8-replaced') tags.push('invalid_utf8');
  if (tags.length > 0) fields.tags = Array.isArray(fields.tags) ? [...(fields.tags as string[]), ...tags] : tags;

  if (meta['hec.host'] !== undefined) fields['host.name'] ??= meta['hec.host'];
  for (const key of ['source', 'sourcetype', 'index'] as const) {
    const value = meta[`hec.${key}`];
    if (value !== undefined) fields[`splunk.${key}`] = value;
  }
  if (meta['hec.fields'] !== undefined) {
    try {
      const indexed = JSON.parse(meta['hec.fields']) as Record<string, unknown>;
      for (const [key, value] of Object.entries(indexed)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') fields[`labels.${key}`] = value;
        else if (Array.isArray(value)) fields[`labels.${key}`] = value.map(String);
      }
    } catch {
      // Intake validated the envelope; an unreadable value only loses the labels, never the event.
    }
  }
  const hecTime = meta['hec.time'] === undefined ? Number.NaN : Number(meta['hec.time']) * 1000;
  return Number.isFinite(hecTime) ? Math.round(hecTime) : undefined;
}
