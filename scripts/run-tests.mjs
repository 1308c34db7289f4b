// Runs the whole suite with node's test runner: a type check of everything and a format check, then unit tests
// beside the code (src/**/*.test.ts) and integration tests (test/**/*.test.ts).
// Usage: node scripts/run-tests.mjs [--unit] [--no-typecheck] [extra files...]
// Before the integration tests, a preflight makes sure the Debian programs they run are installed.
import { spawnSync } from 'node:child_process';
import { listFiles } from './files.mjs';
import { preflight } from './preflight.mjs';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const skipTypecheck = args.includes('--no-typecheck');
const explicit = args.filter((a) => !a.startsWith('--'));

if (!unitOnly) preflight();
if (!skipTypecheck) {
  // The TypeScript sources, then the dashboard's static JavaScript (// @ts-check with JSDoc types, in the browser's DOM).
  for (const project of ['tsconfig.check.json', 'tsconfig.dashboard.json']) {
    const tc = spawnSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
    if (tc.status !== 0) {
      console.error(`type check failed (${project})`);
      process.exit(tc.status ?? 1);
    }
  }
  // Formatting (Biome, biome.json): `npm run format` fixes what this reports.
  const fmt = spawnSync('npx', ['biome', 'format', '.'], { stdio: 'inherit' });
  if (fmt.status !== 0) {
    console.error('formatting differs from biome.json: run `npm run format`');
    process.exit(fmt.status ?? 1);
  }
}
const isTest = (name) => name.endsWith('.test.ts');
const files = explicit.length > 0 ? explicit : [...listFiles('src', isTest), ...(unitOnly ? [] : listFiles('test', isTest))];
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(r.status ?? 1);
