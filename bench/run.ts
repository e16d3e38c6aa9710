/**
 * Benchmark runner: `npm run bench -- <name>` runs bench/<name>.ts, which prints its own figures.
 * `npm run bench` alone lists the benchmarks.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.log(`usage: npm run bench -- <name>\n\nbenchmarks:\n${names.map((n) => `  ${n}`).join('\n')}`);
  process.exit(name ? 2 : 0);
}
process.argv.splice(2, 1);
await import(pathToFileURL(join(dir, `${name}.ts`)).href);
