// Preflight of `npm test`: the integration tests use real Debian programs (a Prometheus server and
// promtool, Chromium for the dashboard's browser tests, the IPMI exporter for the estimator's monitor).
// When one is missing, install it with apt-get where we can (root on Debian/Ubuntu); otherwise stop at
// once with one message naming the packages and the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian package → the program it provides that the tests run. */
const NEEDED = [
  { pkg: 'prometheus', program: 'prometheus' },
  { pkg: 'prometheus', program: 'promtool' },
  { pkg: 'chromium', program: 'chromium' },
  { pkg: 'prometheus-ipmi-exporter', program: 'prometheus-ipmi-exporter' },
];
/** Installed with the above: certificates for Prometheus' TLS tests, a font for browser screenshots. */
const ALONGSIDE = ['ca-certificates', 'fonts-dejavu-core'];

const onPath = (program) => spawnSync('/bin/sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

/** The Debian packages whose programs are missing (deduplicated, in order). */
export function missingPackages() {
  return [...new Set(NEEDED.filter((n) => !onPath(n.program)).map((n) => n.pkg))];
}

/** Ensures the test programs exist; returns normally when they do, exits the process otherwise. */
export function preflight() {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${[...missing, ...ALONGSIDE].join(' ')}`;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get') && process.env.POWERPLANE_NO_APT !== '1';
  if (!canInstall) {
    process.stderr.write(`npm test needs the Debian packages ${missing.join(', ')}. Install them (as root) with:\n  ${command}\n`);
    process.exit(1);
  }
  process.stderr.write(`npm test: installing missing Debian packages: ${missing.join(', ')} (apt-get, a minute or two)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing, ...ALONGSIDE],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      process.stderr.write(`npm test: apt-get ${args[0]} failed (exit ${r.status}); install by hand with:\n  ${command}\n`);
      process.exit(1);
    }
  }
  const still = missingPackages();
  if (still.length > 0) {
    process.stderr.write(`npm test: ${still.join(', ')} still missing after apt-get; install by hand with:\n  ${command}\n`);
    process.exit(1);
  }
}
