/** The query language at a glance, for the Search page's syntax help (the full grammar is docs/query-language.md). */

export interface HelpItem {
  construct: string;
  example: string;
  meaning: string;
}

export const FILTER_HELP: readonly HelpItem[] = [
  { construct: 'word', example: 'failed', meaning: 'A whole word anywhere in the event, any case; *ail* for part of a word' },
  { construct: '"phrase"', example: '"access denied"', meaning: 'An exact phrase; * and ? inside quotes are literal' },
  { construct: 'field:value', example: 'host.name:web-01', meaning: 'The whole field value, any case' },
  { construct: 'wildcards', example: 'user.name:adm*', meaning: '* any run of characters, ? exactly one' },
  { construct: 'field:(a OR b)', example: 'host.name:(web-1 OR web-2)', meaning: 'Alternatives for one field' },
  { construct: 'range', example: 'http.response.status_code:>=500', meaning: 'Also >, < and <=' },
  { construct: 'CIDR', example: 'source.ip:10.0.0.0/8', meaning: 'An address inside the network (IPv4 or IPv6)' },
  { construct: 'exists', example: 'process.command_line:*', meaning: 'The field is present' },
  { construct: 'AND OR NOT ( )', example: 'event.code:4625 AND NOT user.name:svc_*', meaning: 'Side by side means AND; -term is NOT; any case' },
];

export const PIPE_HELP: readonly HelpItem[] = [
  { construct: '| where', example: '| where event.code = 4625 and user.name != "admin"', meaning: 'Exact, case-sensitive comparisons; like "power*.exe"' },
  { construct: '| fields', example: '| fields host.name, user.name', meaning: 'Keep these fields (fields - f drops f)' },
  { construct: '| sort', example: '| sort -@timestamp, host.name', meaning: '-f or f desc for descending' },
  { construct: '| head', example: '| head 20', meaning: 'The first N results (default 10)' },
  { construct: '| stats', example: '| stats count(), dc(user.name) as users by host.name', meaning: 'count() dc() min() max() avg() sum() values()' },
  { construct: '| timechart', example: '| timechart span=5m count() by host.name', meaning: 'Aggregations per time bucket' },
  { construct: '| top / rare', example: '| top 5 user.name by host.name', meaning: 'Most (or least) frequent values' },
];
