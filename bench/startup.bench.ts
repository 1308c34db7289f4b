/**
 * Start-up benchmark: for every command, the time from spawning `node dist/src/cli/main.js …` (the built
 * CLI, as `npm start` and the image run it) to its first 200 on `/healthz` (servers) or to its help
 * printed and the process gone (the others), beside a bare Node http server to its first 200 on the same
 * machine. No cluster is used. Median of a few runs; ratio powerplane ÷ bare (goal ≤ 3). Also whether
 * the run loaded @kubernetes/client-node (it must not, without a cluster).
 *
 * Usage: node --import tsx bench/startup.bench.ts [--quick] [--main FILE]   (builds dist/ first when it is
 * stale; --main times another build of the CLI instead, e.g. to compare build layouts)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machineInfo, percentile } from './lib/machine.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 5;
const root = fileURLToPath(new URL('..', import.meta.url));
const mainArg = process.argv.indexOf('--main');
const main = mainArg > 0 ? resolve(process.argv[mainArg + 1]) : join(root, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'pp-bench-startup-'));

if (mainArg < 0) {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build-if-needed.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('build failed');
}

const estimatorFile = join(dir, 'estimator.yaml');
writeFileSync(
  estimatorFile,
  JSON.stringify({
    estimators: [
      {
        namespace: 'default',
        name: 'default',
        spec: { defaultNodeConfig: { nodeMonitor: { agents: [] }, powerConsumptionPredictor: { type: 'Fake' } } },
      },
    ],
    nodes: [{ name: 'n1', labels: {}, allocatable: { cpu: '8' } }],
  }),
);

/**
 * Detects whether a run loads @kubernetes/client-node: a preload that appends to the file named by
 * PP_PROBE_FILE whenever the module is resolved, by require() (the built CLI is CommonJS) or by import
 * (an ESM resolve hook, module.register). Used in one extra run per command, not in the timed ones.
 */
const HOOKS = join(dir, 'hooks.mjs');
writeFileSync(
  HOOKS,
  `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); if (r.url.includes('@kubernetes/client-node')) appendFileSync(process.env.PP_PROBE_FILE, r.url + '\\n'); return r; }
`,
);
const PROBE = join(dir, 'probe.mjs');
writeFileSync(
  PROBE,
  `import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(HOOKS).href)});
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const file = resolveFilename.call(this, request, ...rest);
  if (file.includes('@kubernetes/client-node')) appendFileSync(process.env.PP_PROBE_FILE, file + '\\n');
  return file;
};
`,
);

/** A port free right now (the machine is shared: never guess one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Case {
  name: string;
  args: (port: number) => string[];
  /** Wait for this path to answer 200; else wait for the process to exit. */
  health?: string;
  bare?: boolean;
}

const CASES: Case[] = [
  {
    name: 'bare node http server',
    args: (p) => ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${p}, '127.0.0.1')`],
    health: '/',
    bare: true,
  },
  {
    name: 'up',
    args: (p) => [main, 'up', '--web.listen-address', `127.0.0.1:${p}`, '--model-server.store-dir', join(dir, `models-${p}`), '--log.level', 'warn'],
    health: '/healthz',
  },
  { name: 'agent', args: (p) => [main, 'agent', '--web.listen-address', `127.0.0.1:${p}`, '--log.level', 'warn'], health: '/healthz' },
  {
    name: 'model-server',
    args: (p) => [
      main,
      'model-server',
      '--web.listen-address',
      `127.0.0.1:${p}`,
      '--model-server.store-dir',
      join(dir, `models-${p}`),
      '--log.level',
      'warn',
    ],
    health: '/healthz',
  },
  {
    name: 'estimator --config',
    args: (p) => [main, 'estimator', '--config', estimatorFile, '--web.listen-address', `127.0.0.1:${p}`, '--log.level', 'warn'],
    health: '/healthz',
  },
  { name: '--help', args: () => [main, '--help'] },
  { name: 'version', args: () => [main, 'version'] },
  { name: 'operator --help', args: () => [main, 'operator', '--help'] },
  { name: 'render', args: () => [main, 'render'] },
  { name: 'estimate --help', args: () => [main, 'estimate', '--help'] },
  { name: 'train --help', args: () => [main, 'train', '--help'] },
  { name: 'model list --help', args: () => [main, 'model', 'list', '--help'] },
  { name: 'cap --help', args: () => [main, 'cap', '--help'] },
  { name: 'top --help', args: () => [main, 'top', '--help'] },
];

/** One run: ms to the first 200 (or to exit); with `probe`, whether it loaded client-node. */
async function runOnce(c: Case, probe = false): Promise<{ ms: number; clientNode: boolean }> {
  const p = await freePort();
  const marker = join(dir, `probe-${p}`);
  const t0 = performance.now();
  const args = probe ? ['--import', PROBE, ...c.args(p)] : c.args(p);
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PP_PROBE_FILE: marker } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let ms: number;
  if (c.health) {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${p}${c.health}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`${c.name} exited: ${stderr.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    ms = performance.now() - t0;
    child.kill('SIGTERM');
    await exited;
  } else {
    const code = await exited;
    ms = performance.now() - t0;
    if (code !== 0) throw new Error(`${c.name} exited ${code}: ${stderr.slice(-500)}`);
  }
  return { ms, clientNode: existsSync(marker) };
}

const rows: Record<string, unknown>[] = [];
let bare = NaN;
for (const c of CASES) {
  const times: number[] = [];
  let clientNode = false;
  for (let i = 0; i < RUNS; i++) times.push((await runOnce(c)).ms);
  if (!c.bare) clientNode = (await runOnce(c, true)).clientNode;
  const median = Math.round(percentile(times, 50));
  if (c.bare) bare = median;
  const row: Record<string, unknown> = {
    command: c.name,
    until: c.health ? `first 200 on ${c.health}` : 'exit',
    medianMs: median,
    minMs: Math.round(Math.min(...times)),
  };
  if (!c.bare) Object.assign(row, { ratioToBare: Math.round((median / bare) * 100) / 100, loadsKubernetesClient: clientNode });
  rows.push(row);
  process.stderr.write(`startup ${JSON.stringify(row)}\n`);
}

/** Whether the CLI ran from its V8 code cache (the launcher says so with POWERPLANE_CODE_CACHE_REPORT=1). */
const codeCache =
  /^code cache: (\w+)$/m.exec(
    spawnSync(process.execPath, [main, 'version'], { encoding: 'utf8', env: { ...process.env, POWERPLANE_CODE_CACHE_REPORT: '1' } }).stderr,
  )?.[1] ?? 'not reported (a build without the launcher)';

process.stdout.write(
  JSON.stringify(
    {
      bench: 'startup',
      quick,
      inputs: { runs: RUNS, cli: mainArg > 0 ? main : 'dist/src/cli/main.js (built)', codeCache, cluster: 'none' },
      targets: {
        'every command within 3x the bare server (worst ratio)': Math.max(
          ...rows.filter((r) => r.ratioToBare !== undefined).map((r) => r.ratioToBare as number),
        ),
      },
      commands: rows,
      machine: machineInfo(),
    },
    null,
    2,
  ) + '\n',
);
