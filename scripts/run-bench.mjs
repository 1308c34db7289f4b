// Runs every benchmark under bench/ (bench/*.bench.ts) one after another. Each prints one JSON
// document with its figures, inputs and machine; this collects them into one JSON array on stdout
// and into bench/results/latest.json. Usage: node scripts/run-bench.mjs [name-filter]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { listFiles } from './files.mjs';

const filter = process.argv[2] ?? '';
const files = listFiles('bench', (n) => n.endsWith('.bench.ts') && n.includes(filter));
const results = [];
let failed = 0;
for (const f of files) {
  process.stderr.write(`bench: ${f}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', f], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    failed++;
    results.push({ bench: f, error: `exit ${r.status}` });
    continue;
  }
  try {
    results.push(JSON.parse(r.stdout));
  } catch {
    failed++;
    results.push({ bench: f, error: 'output is not JSON', output: r.stdout.slice(0, 2000) });
  }
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json.tmp', JSON.stringify(results, null, 2));
renameSync('bench/results/latest.json.tmp', 'bench/results/latest.json');
console.log(JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);
