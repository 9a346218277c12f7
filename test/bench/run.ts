// `npm run bench -- <name> [args]` runs test/bench/<name>.ts; with no name it lists them.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3)).sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !benches.includes(name)) {
  console.log(`${name ? `Unknown benchmark: ${name}\n` : ''}Usage: npm run bench -- <name> [args]\n\nBenchmarks:\n${benches.map((b) => `  ${b}`).join('\n')}`);
  process.exit(name ? 2 : 0);
}
const r = spawnSync(process.execPath, [`${dir}${name}.ts`, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
