import { startVigil } from '../../app/vigil.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { createLogger } from '../../ops/logger.ts';
import { parseOptions, type Command } from '../command.ts';

const HELP = `Usage: vigil start [options]

Starts Vigil: the web console and REST API, HTTP intake (Vigil ingest API, Splunk HEC, Elasticsearch
_bulk, OTLP/HTTP logs), syslog listeners, and the embedded stores under the data folder. On the first
start of a data folder it creates the account "admin" and prints its one-time password.

Options:
  --config FILE     YAML configuration file (default: $VIGIL_CONFIG, else built-in defaults)
  --data-dir DIR    Data folder (overrides dataDir)
  --host ADDRESS    Address of the console/API (overrides server.host, default 127.0.0.1)
  --port N          Port of the console/API (overrides server.port, default 8080)
  --demo            Load the demo data set on the first start of this data folder
  -h, --help        Show this help

Stop with Ctrl-C (SIGINT) or SIGTERM: intake stops, everything acknowledged is stored, then Vigil exits.
`;

export const startCommand: Command = {
  name: 'start',
  summary: 'Start the server (console, API, intake, storage)',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(argv, {
      config: { type: 'string' }, 'data-dir': { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, demo: { type: 'boolean' },
    }, HELP);
    if (!parsed) return 2;
    const { values } = parsed;
    const overrides: Record<string, unknown> = {};
    if (values['data-dir'] !== undefined) overrides.dataDir = values['data-dir'];
    const server: Record<string, unknown> = {};
    if (values.host !== undefined) server.host = values.host;
    if (values.port !== undefined) server.port = Number(values.port);
    if (Object.keys(server).length > 0) overrides.server = server;
    if (values.demo) overrides.demo = true;

    let config;
    try {
      config = loadConfig({ file: values.config, env: process.env, overrides });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`vigil: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const log = createLogger(config.log.level);
    let vigil;
    try {
      vigil = await startVigil({ config, log });
    } catch (err) {
      process.stderr.write(`vigil: cannot start: ${(err as Error).message}\n`);
      return 1;
    }
    const lines = [`Vigil is running: ${vigil.url}`, `  data folder: ${config.dataDir}`];
    for (const [transport, address] of Object.entries(vigil.syslog)) lines.push(`  syslog ${transport}: ${address.address}:${address.port}`);
    if (vigil.initialAdminPassword) {
      lines.push('', '  First start: sign in as "admin" with this one-time password (you will be asked to change it):', `    ${vigil.initialAdminPassword}`, '');
    }
    process.stderr.write(`${lines.join('\n')}\n`);

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log.info({ signal }, 'shutting down: storing everything acknowledged');
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    await vigil.close();
    log.info({}, 'stopped');
    return 0;
  },
};
