import type { PatternPart } from '../../search/query-ast.ts';
import type { SqlDialect } from '../../search/sql/sql-dialect.ts';
import { SELECT_COLUMNS } from './duckdb-rows.ts';
import { EVENT_COLUMNS, PROMOTED_BY_FIELD, jsonPath } from './duckdb-schema.ts';

/**
 * Fields backed by the store's own columns rather than the event's ECS fields: which intake source
 * received the event and which parser read it (`vigil.*`, so they never clash with ECS names).
 */
const COLUMN_FIELDS: ReadonlyMap<string, string> = new Map([['vigil.source', 'source'], ['vigil.source_type', 'source_type']]);

/** Schema the address-parsing macros live in: the instance's in-memory catalog, shared by its connections. */
const MACROS = 'memory.main';

/** A dotted quad of 0..255 without leading zeros (as Node's net.isIPv4). */
const IPV4_PATTERN = '((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';

/** An empty table shaped like a partition: what a search reads when no partition overlaps its range. */
export const EMPTY_EVENTS_TABLE = `${MACROS}.vigil_no_events`;

/**
 * Run once per instance, before searching (see DuckDbEventStore.connect): the empty table, and the
 * macros the dialect calls to parse stored addresses for CIDR filters (the `inet` extension is not
 * bundled and cannot be downloaded on air-gapped installations). Pure SQL with fixed patterns only.
 * The in-memory catalog holds them, so they never reach the database file.
 */
export const DUCKDB_SEARCH_SETUP: readonly string[] = [
  `CREATE OR REPLACE TABLE ${EMPTY_EVENTS_TABLE} (${EVENT_COLUMNS.map((c) => `${c.name} ${c.type}`).join(', ')})`,
  `CREATE OR REPLACE MACRO ${MACROS}.vigil_ipv4(s) AS
     CASE WHEN regexp_full_match(s, '${IPV4_PATTERN}')
       THEN list_reduce(list_transform(string_split(s, '.'), x -> x::BIGINT), (acc, x) -> acc * 256 + x) END`,
  `CREATE OR REPLACE MACRO ${MACROS}.vigil_ipv6_groups(h) AS CASE WHEN h = '' THEN []::VARCHAR[] ELSE string_split(h, ':') END`,
  // Each macro binds its argument once through a one-element list_transform: a macro argument used
  // several times is otherwise copied into the expression at every use, and nested macros multiply
  // those copies until planning alone takes seconds.
  // Eight groups of 1-4 hex digits → 32 hex digits; anything else → NULL.
  `CREATE OR REPLACE MACRO ${MACROS}.vigil_ipv6_hex(groups) AS list_transform([groups], g8 ->
     CASE WHEN len(g8) = 8 AND list_bool_and(list_transform(g8, g -> regexp_full_match(g, '[0-9a-f]{1,4}')))
       THEN array_to_string(list_transform(g8, g -> lpad(g, 4, '0')), '') END)[1]`,
  `CREATE OR REPLACE MACRO ${MACROS}.vigil_ipv6_expand(text) AS list_transform([text], t ->
     CASE
       WHEN NOT regexp_full_match(t, '[0-9a-f:]{2,39}') THEN NULL
       WHEN t LIKE '%::%::%' THEN NULL
       WHEN t LIKE '%::%' THEN list_transform(
         [[${MACROS}.vigil_ipv6_groups(split_part(t, '::', 1)), ${MACROS}.vigil_ipv6_groups(split_part(t, '::', 2))]],
         ht -> ${MACROS}.vigil_ipv6_hex(ht[1] || list_transform(range(greatest(0, 8 - len(ht[1]) - len(ht[2]))), i -> '0') || ht[2]))[1]
       ELSE ${MACROS}.vigil_ipv6_hex(string_split(t, ':'))
     END)[1]`,
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hex groups first.
  `CREATE OR REPLACE MACRO ${MACROS}.vigil_ipv6(s) AS list_transform([lower(s)], t -> ${MACROS}.vigil_ipv6_expand(
     CASE WHEN t LIKE '%:%.%'
       THEN list_transform([${MACROS}.vigil_ipv4(regexp_extract(t, '[^:]*$'))],
         n -> regexp_replace(t, '[^:]*$', '') || printf('%x:%x', n // 65536, n % 65536))[1]
       ELSE t END))[1]`,
];

/**
 * The DuckDB {@link SqlDialect} over the event schema of duckdb-schema.ts: promoted fields read their
 * column (and the JSON when the row holds a multi-valued one), every other field its JSON path.
 */
export const duckDbDialect: SqlDialect = {
  placeholder: (name: string) => {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`invalid parameter name ${JSON.stringify(name)}`);
    return `$${name}`;
  },
  quoteIdentifier: (name: string) => {
    if (name.includes('\0')) throw new Error('identifier contains a NUL character');
    return `"${name.replaceAll('"', '""')}"`;
  },

  timestampMs: () => 'epoch_ms(ts)',
  // Compared on the TIMESTAMP column itself, so DuckDB's min/max zone maps skip row groups.
  timestampCompare: (op, ms) => `ts ${op} make_timestamp(${ms} * 1000)`,
  eventColumns: SELECT_COLUMNS,
  newestFirst: 'ts DESC, seq DESC',

  // The prefilter first: it rules out most rows without lowercasing them (~1 µs an event instead of ~3).
  matchesWords: (regex, prefilter) => {
    const match = `regexp_matches(lower(original), ${regex})`;
    return prefilter === undefined ? match : `(regexp_matches(original, ${prefilter}) AND ${match})`;
  },
  anyValue: (field, predicate) => {
    const column = COLUMN_FIELDS.get(field);
    if (column) return predicate(column);
    const path = jsonPath(field);
    // A JSON array: any element. Its text form would match patterns meant for one value.
    const elements = `list_bool_or(list_transform(json_extract_string(fields, '${path}[*]'), x -> ${predicate('x')}))`;
    const isArray = `json_type(fields, '${path}') = 'ARRAY'`;
    const promoted = PROMOTED_BY_FIELD.get(field);
    if (promoted) {
      // The elements of a multi-valued promoted field are in its column as a JSON array (see
      // appendEventRow): reading them there keeps the scan off the large `fields` column.
      const own = promoted.column;
      const ownElements = `list_bool_or(list_transform(json_extract_string(${own}, '$[*]'), x -> ${predicate('x')}))`;
      const ownIsArray = `starts_with(${own}, '[') AND json_valid(${own})`;
      return `(CASE WHEN multi_valued AND ${ownIsArray} THEN ${ownElements} ELSE ${predicate(own)} END)`;
    }
    return `(CASE WHEN ${isArray} THEN ${elements} ELSE ${predicate(`json_extract_string(fields, '${path}')`)} END)`;
  },
  fieldText: (field) => {
    const column = COLUMN_FIELDS.get(field);
    if (column) return column;
    const path = jsonPath(field);
    const fromJson = `json_extract_string(fields, '${path}')`;
    const promoted = PROMOTED_BY_FIELD.get(field);
    // A promoted column holds the text of every value (several values as their JSON array), so
    // grouping on it never reads the large `fields` column.
    return promoted ? promoted.column : fromJson;
  },
  fieldValues: (field) => {
    const column = COLUMN_FIELDS.get(field);
    if (column) return { keys: [column], list: ([value]) => `[${value}]` };
    const promoted = PROMOTED_BY_FIELD.get(field);
    if (promoted) {
      // The column and the row's flag: a multi-valued row keeps the field's JSON array in the column
      // (see anyValue), so grouping never reads the large `fields` column.
      return {
        keys: [promoted.column, 'multi_valued'],
        list: ([value, multi]) => `(CASE WHEN ${multi} AND starts_with(${value}, '[') AND json_valid(${value}) THEN list_distinct(json_extract_string(${value}, '$[*]')) ELSE [${value}] END)`,
      };
    }
    // The JSON value, not its text: a string "[1]" and the array [1] are different keys.
    return {
      keys: [`json_extract(fields, '${jsonPath(field)}')`],
      list: ([value]) => `(CASE WHEN json_type(${value}) = 'ARRAY' THEN list_distinct(json_extract_string(${value}, '$[*]')) ELSE [json_extract_string(${value}, '$')] END)`,
    };
  },
  unnest: (list) => `unnest(${list})`,
  // greatest() skips NULL: a NULL list gives the one index 1 too.
  unnestIndexes: (list) => `unnest(range(1, greatest(len(${list}), 1) + 1))`,
  listElement: (list, index) => `(${list})[${index}]`,

  likePattern: (parts) => parts.map(likePart).join(''),
  like: (text, pattern, ignoreCase) => `${text} ${ignoreCase ? 'ILIKE' : 'LIKE'} ${pattern} ESCAPE '\\'`,
  equalsIgnoreCase: (text, value) => `lower(${text}) = lower(${value})`,
  toNumber: (text) => `TRY_CAST(${text} AS DOUBLE)`,
  toText: (expr) => `CAST(${expr} AS VARCHAR)`,
  ipv4ToInteger: (text) => `${MACROS}.vigil_ipv4(${text})`,
  ipv6ToHex: (text) => `${MACROS}.vigil_ipv6(${text})`,

  timeBucket: (ms, interval) => `((${ms} // ${interval}) * ${interval})`,
  integerSeries: (start, stop, step) => `(SELECT unnest(range(${start}::BIGINT, ${stop}::BIGINT, ${step}::BIGINT)) AS t)`,
  distinctCount: (expr) => `count(DISTINCT ${expr})`,
  valuesList: (expr, max) => {
    if (!Number.isInteger(max) || max < 1) throw new Error('valuesList: max must be a positive integer');
    return `list_slice(list_sort(list(DISTINCT ${expr}) FILTER (WHERE ${expr} IS NOT NULL)), 1, ${max})`;
  },
};

/** One pattern part in LIKE syntax: `%`, `_`, and `\` escaped in literal text. */
function likePart(part: PatternPart): string {
  if (part.kind === 'anyChars') return '%';
  if (part.kind === 'oneChar') return '_';
  return part.text.replace(/[\\%_]/g, '\\$&');
}
