import { archiveCommand } from './commands/archive-command.ts';
import { auditCommand } from './commands/audit-command.ts';
import { huntCommand } from './commands/hunt-command.ts';
import { ingestCommand } from './commands/ingest-command.ts';
import { searchCommand } from './commands/search-command.ts';
import { rulesCommand } from './commands/rules-command.ts';
import { startCommand } from './commands/start-command.ts';
import { secretCommand } from './commands/secret-command.ts';
import type { Command } from './command.ts';

/** Every CLI command, in the order `vigil --help` lists them. */
const COMMANDS: readonly Command[] = [startCommand, ingestCommand, searchCommand, huntCommand, rulesCommand, archiveCommand, auditCommand, secretCommand];

const USAGE = `Vigil: self-hosted security operations platform.

Usage: vigil <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`vigil <command> --help\` for a command's options.
Configuration: a YAML file (--config or VIGIL_CONFIG) and VIGIL_* environment variables; see docs/configuration.md.
`;

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../app/vigil.ts');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`vigil: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help);
    return 0;
  }
  return command.run(rest);
}
