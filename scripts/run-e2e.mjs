// Runs the real-cluster suite under test/e2e/ (`npm run test:e2e`). Without POWERPLANE_E2E_KUBECONFIG
// its tests are skipped; with it, a skipped test is a failure (a suite that silently skips proves
// nothing), and so is a run with no test at all.
// Usage: POWERPLANE_E2E_KUBECONFIG=~/.kube/kind.yaml npm run test:e2e [files...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles } from './files.mjs';

const explicit = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = explicit.length > 0 ? explicit : listFiles('test/e2e', (name) => name.endsWith('.test.ts'));
if (files.length === 0) {
  console.error('no test files under test/e2e');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'pp-e2e-run-'));
const tap = join(dir, 'report.tap');
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
const report = readFileSync(tap, 'utf8');
rmSync(dir, { recursive: true, force: true });
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 'NaN');
const [tests, skipped] = [count('tests'), count('skipped')];
if (r.status !== 0) process.exit(r.status ?? 1);
if (process.env.POWERPLANE_E2E_KUBECONFIG) {
  if (!(tests > 0)) {
    console.error('test:e2e: POWERPLANE_E2E_KUBECONFIG is set but no test ran');
    process.exit(1);
  }
  if (skipped !== 0) {
    console.error(`test:e2e: ${skipped} tests skipped although POWERPLANE_E2E_KUBECONFIG is set: every e2e test must run against the cluster`);
    process.exit(1);
  }
} else {
  console.log(`test:e2e: POWERPLANE_E2E_KUBECONFIG is not set: the real-cluster suites are skipped (${tests} tests ran, ${skipped} skipped)`);
}
