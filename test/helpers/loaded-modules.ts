/**
 * Which modules a `powerplane` command loads: the CLI runs from source (tsx) with an ESM resolve hook
 * (`module.register`) that appends every resolved URL to a file, so a test can assert what a command
 * does not load (the Kubernetes client without a cluster, trainers for `--meter fake`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { POWERPLANE_COMMAND, freePort } from './cli.js';
import { REPO_ROOT } from './shared-data.js';

/** How long to let a command run. */
export interface LoadedModulesOptions {
  /** For a server: pass `--web.listen-address` on a free port and stop it once this path answers 200. Else wait for the exit. */
  health?: string;
  timeoutMs?: number;
}

/** What a run loaded and how it ended. */
export interface LoadedModules {
  /** Every resolved module URL, in order (node: builtins included). */
  urls: string[];
  code: number | null;
  stderr: string;
}

/** Runs `powerplane <args>` and returns the URLs of the modules it resolved. */
export async function modulesLoadedBy(args: string[], opts: LoadedModulesOptions = {}): Promise<LoadedModules> {
  const dir = mkdtempSync(join(tmpdir(), 'pp-modules-'));
  const record = join(dir, 'urls.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(record)}, r.url + '\\n'); return r; }\n`,
  );
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const [node, ...pre] = POWERPLANE_COMMAND;
  const port = opts.health ? await freePort() : 0;
  const extra = opts.health ? ['--web.listen-address', `127.0.0.1:${port}`] : [];
  const child = spawn(node, ['--import', probe, ...pre, ...args, ...extra], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  try {
    if (opts.health) {
      for (;;) {
        const up = await fetch(`http://127.0.0.1:${port}${opts.health}`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (up || child.exitCode !== null || child.signalCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    const code = await exited;
    const urls = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : [];
    return { urls, code, stderr };
  } finally {
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The loaded URLs under this repository's `src/`, as paths relative to it (`agent/meters/rapl.ts`). */
export function sourceModules(urls: readonly string[]): string[] {
  const src = pathToFileURL(join(REPO_ROOT, 'src')).href + '/';
  return urls.filter((u) => u.startsWith(src)).map((u) => u.slice(src.length));
}
