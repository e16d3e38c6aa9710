#!/usr/bin/env node
import { main } from '../src/cli/main.ts';

// `vigil search ... | head`: the reader went away; stop quietly like other command-line tools.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
