import { describe, expect, it } from 'vitest';
import type { FieldsStage, Query } from '../search/query-ast.ts';
import type { SearchBatch, StoredEvent } from '../store/event-store.ts';
import { fieldSelection, type FieldSelection } from '../search/field-selection.ts';
import { CSV_COLUMN_SAMPLE, searchExportChunks, searchExportFileName } from './search-export.ts';

const SPAN = { start: 0, end: 0 };
const ALL: FieldSelection = { keep: undefined, drop: new Set() };

function event(seq: number, fields: StoredEvent['fields'], extra: Partial<StoredEvent> = {}): StoredEvent {
  return { seq, timestamp: Date.UTC(2026, 10, 23, 10, 0, seq), receivedAt: 0, source: 'web', sourceType: 'auto', fields, original: `line ${seq}`, ...extra };
}

function fields(mode: 'keep' | 'drop', ...names: string[]): FieldsStage {
  return { kind: 'fields', mode, fields: names.map((name) => ({ name, span: SPAN })), span: SPAN };
}

function query(...stages: FieldsStage[]): Query {
  return { filter: undefined, stages, span: SPAN };
}

async function* batches(...items: SearchBatch[]): AsyncGenerator<SearchBatch> {
  yield* items;
}

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('search export', () => {
  it('writes events as CSV: leading columns, then the other fields by name, formulas neutralized', async () => {
    const csv = await text(searchExportChunks(batches({ kind: 'events', events: [
      event(1, { 'host.name': 'web-1', 'user.name': '=HYPERLINK("http://evil")', message: 'a, "quoted"\nline', 'z.last': 1, 'a.first': -5 }),
      event(2, { 'related.ip': ['10.0.0.1', '10.0.0.2'], 'event.ok': true }, { original: '@SUM(1+1)' }),
    ] }), 'csv', ALL));
    expect(csv.split('\n')[0]).toBe('time,source,host.name,user.name,message,a.first,event.ok,related.ip,z.last');
    expect(csv).toBe([
      'time,source,host.name,user.name,message,a.first,event.ok,related.ip,z.last',
      `2026-11-23T10:00:01.000Z,web,web-1,"'=HYPERLINK(""http://evil"")","a, ""quoted""\nline",-5,,,1`,
      `2026-11-23T10:00:02.000Z,web,,,'@SUM(1+1),,true,"[""10.0.0.1"",""10.0.0.2""]",`,
      '',
    ].join('\n'));
  });

  it('names the fields of the first events in the header and leaves later new fields out', async () => {
    const first = Array.from({ length: CSV_COLUMN_SAMPLE }, (_, i) => event(i, { 'early.field': i }));
    let seen = 0;
    const csv = await text(searchExportChunks(batches(
      { kind: 'events', events: first.slice(0, 600) },
      { kind: 'events', events: first.slice(600) },
      { kind: 'events', events: [event(5000, { 'late.field': 'x', 'early.field': 7 })] },
    ), 'csv', ALL, (n) => (seen = n)));
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('time,source,host.name,user.name,message,early.field');
    expect(lines).toHaveLength(CSV_COLUMN_SAMPLE + 2);
    expect(lines.at(-1)).toBe('2026-11-23T11:23:20.000Z,web,,,line 5000,7');
    expect(csv).not.toContain('late.field');
    expect(seen).toBe(CSV_COLUMN_SAMPLE + 1);
  });

  it('uses exactly the kept fields of `| fields` and leaves dropped ones out', async () => {
    const events = { kind: 'events' as const, events: [event(1, { 'host.name': 'h', 'user.name': 'u', 'x.y': 'z' })] };
    const kept = await text(searchExportChunks(batches(events), 'csv', fieldSelection(query(fields('keep', 'user.name', 'missing', '@timestamp')))));
    expect(kept).toBe('time,user.name,missing\n2026-11-23T10:00:01.000Z,u,\n');
    const dropped = await text(searchExportChunks(batches(events), 'csv', fieldSelection(query(fields('drop', 'user.name', 'message')))));
    expect(dropped.split('\n')[0]).toBe('time,source,host.name,x.y');
  });

  it('writes a header-only CSV for no events and an empty NDJSON', async () => {
    expect(await text(searchExportChunks(batches(), 'csv', ALL))).toBe('time,source,host.name,user.name,message\n');
    expect(await text(searchExportChunks(batches({ kind: 'events', events: [] }), 'ndjson', ALL))).toBe('');
  });

  it('writes NDJSON events exactly, one per line', async () => {
    const events = [event(1, { message: 'a\nb', 'related.ip': ['1.2.3.4'] }), event(2, {}, { parseError: 'no parser' })];
    const ndjson = await text(searchExportChunks(batches({ kind: 'events', events }), 'ndjson', ALL));
    expect(ndjson.trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual(events);
  });

  it('writes tables with their columns, the header once, as CSV and NDJSON', async () => {
    const table = (rows: (string | number | null)[][]): SearchBatch => ({ kind: 'table', columns: ['host.name', 'count', '__proto__'], rows });
    const source = () => batches(table([['web-1', 12, null], ['-cmd|calc', -3, 'x']]), table([['db', 1, 'y']]));
    expect(await text(searchExportChunks(source(), 'csv', ALL))).toBe("host.name,count,__proto__\nweb-1,12,\n'-cmd|calc,-3,x\ndb,1,y\n");
    const rows = (await text(searchExportChunks(source(), 'ndjson', ALL))).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows[0]).toEqual({ 'host.name': 'web-1', count: 12, ['__proto__']: null });
    expect(Object.hasOwn(rows[1]!, '__proto__')).toBe(true);
    expect(rows).toHaveLength(3);
  });

  it('names files with the time only, whatever the query', () => {
    expect(searchExportFileName('csv', Date.UTC(2026, 10, 23, 10, 15, 0, 123))).toBe('vigil-search-20261123T101500Z.csv');
  });
});
