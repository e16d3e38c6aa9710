import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One `vigil` subcommand. */
export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Returns the exit code. */
  run(argv: string[]): Promise<number>;
}

/** Parses options strictly; a typo prints the problem and the help instead of being ignored. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, help: string, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${help}`);
    return undefined;
  }
}
