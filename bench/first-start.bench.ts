/**
 * First-start benchmark (the README's path for a new user): a fresh clone of this repository's HEAD,
 * then `npm ci` (which builds dist/ through `prepare`), then `npm start` until the dashboard page `/`
 * answers 200. Reports each phase and the total, with the machine. `npm ci` downloads nothing when npm's
 * cache already holds the packages (say so in a report: on a machine with a cold cache the install is
 * network-bound). Goal (issue 16): `npm start` to page served, build included, ≤ 20 s.
 *
 * The build (scripts/build.mjs, which `prepare` runs inside `npm ci`) is also timed on its own, so the goal's
 * figure is build + `npm start` to page.
 *
 * Usage: node --import tsx bench/first-start.bench.ts
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './lib/machine.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pp-bench-first-start-'));
const clone = join(dir, 'powerplane');
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();

/** A free loopback port. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion (in the clone by default); returns its wall time in ms. */
function timed(cmd: string, args: string[], cwd = clone): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? r.status}): ${(r.stderr ?? '').slice(-2000)}`);
  return performance.now() - t0;
}

/** `npm start` until GET / answers 200 (ms), then stops it. */
async function startToPage(): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--', `--web.listen-address=127.0.0.1:${port}`], {
    cwd: clone,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}: ${stderr.slice(-2000)}`);
      if (performance.now() - t0 > 300_000) throw new Error('npm start: no page within 300 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        const body = await res.text();
        if (res.status === 200 && body.includes('<html')) return performance.now() - t0;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    // npm runs node in a child: stop the whole group.
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  }
}

try {
  const cloneMs = timed('git', ['clone', '--quiet', '--no-hardlinks', root, clone], dir);
  spawnSync('git', ['checkout', '--quiet', commit], { cwd: clone });
  const npmCiMs = timed('npm', ['ci', '--no-audit', '--no-fund']);
  const buildMs = timed(process.execPath, ['scripts/build.mjs']);
  const firstStartMs = await startToPage();
  const secondStartMs = await startToPage();
  const r = (x: number) => Math.round(x);
  console.log(
    JSON.stringify(
      {
        bench: 'first-start',
        description:
          'fresh clone → npm ci (builds dist/ via prepare) → the build again on its own → npm start until GET / is 200; a second npm start for comparison',
        inputs: { commit, npmCache: 'whatever this machine has (a warm cache downloads nothing)' },
        figuresMs: {
          gitClone: r(cloneMs),
          npmCi: r(npmCiMs),
          build: r(buildMs),
          firstNpmStartToPage: r(firstStartMs),
          secondNpmStartToPage: r(secondStartMs),
          cloneToPageTotal: r(cloneMs + npmCiMs + firstStartMs),
        },
        targets: { 'build + npm start to page served, <= 20000 ms': r(buildMs + firstStartMs) },
        machine: machineInfo(),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
