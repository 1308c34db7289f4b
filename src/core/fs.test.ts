import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './fs.js';

test('writes atomically and leaves no temp files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-fs-'));
  const p = join(dir, 'sub', 'a.json');
  await writeFileAtomic(p, '{"v":1}');
  await writeFileAtomic(p, '{"v":2}');
  assert.equal(readFileSync(p, 'utf8'), '{"v":2}');
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['a.json']);
});
