import { z } from 'zod';
import { configSchema } from './config-schema.ts';
import { configKeys } from './load-config.ts';

/** Renders docs/configuration.md from the schema's descriptions, so the reference cannot drift from the code. */
export function renderConfigDocs(): string {
  const defaults = configSchema.parse({}) as unknown as Record<string, unknown>;
  const rows = configKeys().map((key) => {
    const value = key.path.reduce<unknown>((obj, part) => (obj as Record<string, unknown> | undefined)?.[part], defaults);
    const shown = value === undefined ? 'unset' : `\`${JSON.stringify(value)}\``;
    return `| \`${key.path.join('.')}\` | \`${key.envName}\` | ${describeType(key.schema)} (${shown}) | ${(key.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return `# Configuration

<!-- Generated from src/config/config-schema.ts by \`npm run docs:config\`; a test fails when it drifts. -->

Vigil reads its settings from, lowest precedence first: built-in defaults, a YAML file (\`--config FILE\`
or \`VIGIL_CONFIG\`), \`VIGIL_*\` environment variables, and command-line flags. Everything is
validated at start: an unknown key, an unknown \`VIGIL_*\` variable or a wrong value stops Vigil with
a message naming the setting.

Environment variable names are the key path in upper snake case, levels joined by \`__\`:
\`server.port\` is \`VIGIL_SERVER__PORT\`, \`intake.syslog.tcp.port\` is \`VIGIL_INTAKE__SYSLOG__TCP__PORT\`.
\`VIGIL_URL\` and \`VIGIL_TOKEN\` are read by \`vigil ingest --url\`, and \`VIGIL_DEV_API\` by \`npm run dev:web\`; they are not settings.

Example \`vigil.yaml\`:

\`\`\`yaml
dataDir: /var/lib/vigil
server:
  host: 0.0.0.0
  port: 8080
intake:
  syslog:
    udp: { host: 0.0.0.0, port: 5514 }
    tcp: { host: 0.0.0.0, port: 5514 }
    tls: { enabled: true, host: 0.0.0.0, port: 6514, certFile: /etc/vigil/tls.crt, keyFile: /etc/vigil/tls.key }
storage:
  retentionDays: 90
  maxBytes: 200000000000
\`\`\`

| Key | Environment variable | Type (default) | Description |
| --- | --- | --- | --- |
${rows.join('\n')}
`;
}

function describeType(schema: z.ZodType): string {
  const def = (schema as unknown as { _zod: { def: { type: string; entries?: Record<string, string> } } })._zod.def;
  if (def.type === 'enum' && def.entries) return Object.keys(def.entries).join(' \\| ');
  return def.type;
}
