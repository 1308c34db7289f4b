/**
 * The shell blocks of README.md and docs/*.md that are marked runnable run as shown.
 *
 * A block is marked by an HTML comment on the line before its ```sh fence:
 * - `<!-- runnable -->`: runs with `powerplane` on PATH in an empty directory;
 * - `<!-- runnable: up -->`: the same, with `powerplane up` running; its port (28282) and the standalone
 *   model-server (8100) and estimator (5656) ports in the block are rewritten to that `up` (which serves all).
 * Each block runs under `bash -euo pipefail` and must exit 0.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { startUp, type PowerplaneProcess } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared-data.js';

interface Block {
  file: string;
  line: number;
  mode: 'plain' | 'up';
  script: string;
}

/** Every marked block of a Markdown text. */
export function runnableBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length - 1; i++) {
    const m = /^<!-- runnable(?:: (up))? -->$/.exec(lines[i].trim());
    if (!m) continue;
    assert.match(lines[i + 1], /^```(sh|bash)$/, `${file}:${i + 1}: a runnable marker must be followed by a \`\`\`sh fence`);
    const end = lines.indexOf('```', i + 2);
    assert.ok(end > i, `${file}:${i + 1}: unterminated block`);
    out.push({ file, line: i + 2, mode: m[1] === 'up' ? 'up' : 'plain', script: lines.slice(i + 2, end).join('\n') });
  }
  return out;
}

const docs = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks = docs.flatMap((f) => runnableBlocks(f, readFileSync(join(REPO_ROOT, f), 'utf8')));

let binDir = '';
let up: PowerplaneProcess | undefined;

before(async () => {
  binDir = mkdtempSync(join(tmpdir(), 'pp-docs-bin-'));
  const tsx = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx')).href;
  writeFileSync(join(binDir, 'powerplane'), `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${join(REPO_ROOT, 'src/cli/main.ts')}" "$@"\n`);
  chmodSync(join(binDir, 'powerplane'), 0o755);
  if (blocks.some((b) => b.mode === 'up')) up = await startUp([]);
});

after(async () => {
  await up?.stop();
  rmSync(binDir, { recursive: true, force: true });
});

test('the docs mark runnable blocks (and the marker grammar is checked)', () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} runnable blocks`);
  assert.deepEqual(runnableBlocks('x.md', 'a\n<!-- runnable: up -->\n```sh\necho hi\n```\n'), [
    { file: 'x.md', line: 3, mode: 'up', script: 'echo hi' },
  ]);
});

for (const block of blocks) {
  test(`${block.file}:${block.line} runs as shown${block.mode === 'up' ? ' (with powerplane up)' : ''}`, () => {
    let script = block.script;
    if (block.mode === 'up') {
      const port = new URL(up!.url).port;
      script = script.replace(/\b(28282|8100|5656)\b/g, port);
    }
    const cwd = mkdtempSync(join(tmpdir(), 'pp-docs-run-'));
    try {
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
        cwd,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NODE_ENV: 'production' },
      });
      assert.equal(
        r.status,
        0,
        `${block.file}:${block.line} exited ${r.status}\n--- script\n${script}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}
