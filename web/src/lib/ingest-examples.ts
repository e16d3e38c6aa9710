/**
 * Ready-to-paste shipper settings shown once, next to a new source's token. Everything user- or
 * server-provided is shell-quoted so a paste never runs something unintended.
 */
import type { TokenKind } from '../api/types.ts';

export interface IngestExample {
  title: string;
  /** `shell` snippets are commands; `yaml`/`text` are configuration to paste into a shipper. */
  language: 'shell' | 'yaml' | 'text';
  code: string;
}

/** `s` as one single-quoted POSIX shell word. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** `s` as a double-quoted YAML scalar. */
export function yamlQuote(s: string): string {
  return JSON.stringify(s);
}

/** Where shippers send data for this kind of source, on a server reachable at `origin`. */
export function ingestEndpoint(kind: TokenKind, origin: string): string {
  switch (kind) {
    case 'http': return `${origin}/api/v1/ingest`;
    case 'hec': return `${origin}/services/collector/event`;
    case 'elastic': return `${origin}/elastic`;
    case 'otlp': return `${origin}/v1/logs`;
  }
}

/** Examples for sending data to a new source of `kind` with `token`. */
export function ingestExamples(kind: TokenKind, origin: string, token: string): IngestExample[] {
  const url = ingestEndpoint(kind, origin);
  switch (kind) {
    case 'http':
      return [
        {
          title: 'Send one JSON event with curl',
          language: 'shell',
          code: [
            `curl -sS -X POST ${shellQuote(url)} \\`,
            `  -H ${shellQuote(`Authorization: Bearer ${token}`)} \\`,
            `  -H 'Content-Type: application/json' \\`,
            `  -d '{"message":"hello from curl","host":{"name":"web-01"}}'`,
          ].join('\n'),
        },
        {
          title: 'Send a file of newline-delimited JSON (gzip accepted)',
          language: 'shell',
          code: [
            `curl -sS -X POST ${shellQuote(url)} \\`,
            `  -H ${shellQuote(`Authorization: Bearer ${token}`)} \\`,
            `  -H 'Content-Type: application/x-ndjson' \\`,
            `  --data-binary @events.ndjson`,
          ].join('\n'),
        },
      ];
    case 'hec':
      return [
        { title: 'HEC URL (Splunk HTTP Event Collector compatible)', language: 'text', code: url },
        {
          title: 'Send an event with curl',
          language: 'shell',
          code: [
            `curl -sS ${shellQuote(url)} \\`,
            `  -H ${shellQuote(`Authorization: Splunk ${token}`)} \\`,
            `  -d '{"event":"hello from curl","host":"web-01","sourcetype":"manual"}'`,
          ].join('\n'),
        },
      ];
    case 'elastic':
      return [
        { title: 'Elasticsearch URL (use the /elastic path prefix)', language: 'text', code: url },
        {
          title: 'Filebeat (filebeat.yml)',
          language: 'yaml',
          code: [
            'output.elasticsearch:',
            `  hosts: [${yamlQuote(origin)}]`,
            '  path: "/elastic"',
            `  api_key: ${yamlQuote(`vigil:${token}`)}`,
          ].join('\n'),
        },
        {
          title: 'Or basic authentication (any user name, the token as password)',
          language: 'shell',
          code: [
            `curl -sS -u ${shellQuote(`vigil:${token}`)} -X POST ${shellQuote(`${url}/_bulk`)} \\`,
            `  -H 'Content-Type: application/x-ndjson' \\`,
            `  --data-binary $'{"index":{"_index":"logs"}}\\n{"message":"hello from curl"}\\n'`,
          ].join('\n'),
        },
      ];
    case 'otlp':
      return [
        { title: 'OTLP/HTTP logs endpoint', language: 'text', code: url },
        {
          title: 'OpenTelemetry Collector exporter',
          language: 'yaml',
          code: [
            'exporters:',
            '  otlphttp/vigil:',
            `    logs_endpoint: ${yamlQuote(url)}`,
            '    headers:',
            `      Authorization: ${yamlQuote(`Bearer ${token}`)}`,
          ].join('\n'),
        },
        {
          title: 'OpenTelemetry SDK environment variables',
          language: 'shell',
          code: [
            `export OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=${shellQuote(url)}`,
            // The OTel spec reads header values percent-encoded: the space must be %20.
            `export OTEL_EXPORTER_OTLP_LOGS_HEADERS=${shellQuote(`Authorization=Bearer%20${encodeURIComponent(token)}`)}`,
          ].join('\n'),
        },
      ];
  }
}
