import { existsSync } from 'node:fs';
import { SecretBox } from '../../auth/secret-box.ts';
import { configSchema, type VigilConfig } from '../../config/config-schema.ts';
import { CONFIG_SECRET_PURPOSE, ConfigSecretError, loadConfigMasterKey, masterKeyPath, secretSettings } from '../../config/config-secrets.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { parseOptions, type Command } from '../command.ts';

const HELP = `Usage: vigil secret <seal|check> [options]

Secrets in the configuration (OIDC client secrets, webhook URLs, SMTP and connector credentials) can
be written sealed: encrypted with the master key (secrets.masterKeyFile, default <dataDir>/master.key),
so the configuration file holds no credential in clear.

  seal    Reads a secret from standard input (or asks for it without echo on a terminal) and prints
          its sealed form, vgsec1:..., to paste into the configuration. Creates the default master
          key if there is none yet. The value is never taken from the command line: it would stay
          in the shell history.
  check   Opens every sealed setting of the configuration with the master key and lists the
          secret settings still written in plain text. Exits with 1 if a sealed value does not open.

Options:
  --config FILE     YAML configuration file (default: $VIGIL_CONFIG)
  --data-dir DIR    Data folder (overrides dataDir; locates the default master key)
  -h, --help        Show this help

Examples:
  vigil secret seal --config /etc/vigil/vigil.yaml            (type the secret, then Enter)
  printf %s "$SMTP_PASSWORD" | vigil secret seal --config /etc/vigil/vigil.yaml
  vigil secret check --config /etc/vigil/vigil.yaml
`;

export const secretCommand: Command = {
  name: 'secret',
  summary: 'Seal secrets for the configuration; check sealed settings',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(argv, { config: { type: 'string' }, 'data-dir': { type: 'string' } }, HELP, true);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    const [action, ...extra] = positionals;
    if ((action !== 'seal' && action !== 'check') || extra.length > 0) {
      const hint = action === 'seal' && extra.length > 0 ? ' (the value is read from standard input, never from the command line)' : '';
      process.stderr.write(`vigil secret: expected "seal" or "check"${hint}\n\n${HELP}`);
      return 2;
    }
    let config: VigilConfig;
    try {
      config = loadConfig({ file: values.config, env: process.env, overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`vigil secret: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    try {
      return action === 'seal' ? await seal(config) : check(config);
    } catch (err) {
      if (!(err instanceof ConfigSecretError)) throw err;
      process.stderr.write(`vigil secret: ${err.message}\n`);
      return 1;
    }
  },
};

async function seal(config: VigilConfig): Promise<number> {
  const plain = process.stdin.isTTY ? await promptHidden('Secret to seal (not shown): ') : stripFinalNewline(await readAll(process.stdin));
  if (plain === undefined) return 130;
  if (plain === '') {
    process.stderr.write('vigil secret: nothing to seal (the input is empty)\n');
    return 2;
  }
  const created = !existsSync(masterKeyPath(config));
  const box = new SecretBox(loadConfigMasterKey(config));
  if (created) process.stderr.write(`Created the master key ${masterKeyPath(config)}: back it up apart from the data folder.\n`);
  process.stdout.write(`${box.seal(plain, CONFIG_SECRET_PURPOSE)}\n`);
  return 0;
}

function check(config: VigilConfig): number {
  const keyFile = masterKeyPath(config);
  const haveKey = existsSync(keyFile);
  const settings = secretSettings(configSchema, config, haveKey ? new SecretBox(loadConfigMasterKey(config)) : undefined);
  const sealed = settings.filter((s) => s.sealed);
  const lines: string[] = [];
  let failed = false;
  if (sealed.length > 0 && !haveKey) {
    lines.push(`The master key ${keyFile} does not exist: none of the ${sealed.length} sealed settings can be opened.`);
    failed = true;
  }
  for (const setting of sealed) {
    if (setting.problem) {
      lines.push(`FAIL  ${setting.problem}`);
      failed = true;
    } else if (haveKey) {
      lines.push(`ok    ${setting.path} (sealed)`);
    }
  }
  for (const setting of settings.filter((s) => !s.sealed)) lines.push(`plain ${setting.path}: written in clear; seal it with \`vigil secret seal\``);
  if (settings.length === 0) lines.push('The configuration holds no secret settings.');
  process.stdout.write(`${lines.join('\n')}\n`);
  return failed ? 1 : 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `printf` leaves no newline, `echo` and a heredoc leave one: neither belongs to the secret. */
function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Reads one line from the terminal without echoing it; undefined on Ctrl-C or Ctrl-D. */
function promptHidden(prompt: string): Promise<string | undefined> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(value);
        if (char === '\u0003' || char === '\u0004') return finish(undefined);
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
