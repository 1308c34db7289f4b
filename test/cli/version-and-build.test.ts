/**
 * The CLI as installed: `--version`/`version`, and the esbuild output in dist/ running the same commands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPowerplane } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared-data.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };

test('--version and `version` print the package version; `version -o json` is machine-readable', async () => {
  const flag = await runPowerplane(['--version']);
  assert.equal(flag.code, 0, flag.stderr);
  assert.match(flag.stdout, new RegExp(`^powerplane ${pkg.version.replace(/\./g, '\\.')} \\(commit \\S+, node v\\d+`));
  const cmd = await runPowerplane(['version']);
  assert.equal(cmd.stdout, flag.stdout);
  const json = JSON.parse((await runPowerplane(['version', '-o', 'json'])).stdout) as { version: string; node: string };
  assert.equal(json.version, pkg.version);
  assert.equal(json.node, process.version);
});

test('the esbuild build produces a runnable dist/ with the shebang and the assets', () => {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  assert.match(built.stderr, /built \d+ files and \d+ assets into dist\/ \(a bundle of \d+ sources; code cache written\)/);
  const main = join(REPO_ROOT, 'dist/src/cli/main.js');
  assert.ok(readFileSync(main, 'utf8').startsWith('#!/usr/bin/env node\n'));
  // the CLI runs from the code cache the build wrote (V8 accepts it: same Node, same flags)
  const cached = spawnSync(process.execPath, [main, 'version'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERPLANE_CODE_CACHE_REPORT: '1' },
  });
  assert.equal(cached.status, 0, cached.stderr);
  assert.match(cached.stderr, /^code cache: used$/m);
  assert.ok(readFileSync(join(REPO_ROOT, 'dist/src/dashboard/static/index.html'), 'utf8').includes('<html'));
  const help = spawnSync(process.execPath, [main, 'render', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: powerplane render/);
});
