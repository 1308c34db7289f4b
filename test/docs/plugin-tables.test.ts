/**
 * The docs list what the registries hold, in their order: docs/estimator.md one table row per monitor
 * and predictor type (the endpoint column "–" exactly for the types that take no endpoint),
 * docs/meters.md one section per node meter, docs/models.md one table row per trainer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONITORS } from '../../src/estimator/monitors/registry.js';
import { PREDICTORS } from '../../src/estimator/predictors/registry.js';
import { NODE_METERS } from '../../src/agent/meters/registry.js';
import { TRAINER_NAMES } from '../../src/models/registry.js';
import { REPO_ROOT } from '../helpers/shared-data.js';

const read = (page: string) => readFileSync(join(REPO_ROOT, 'docs', page), 'utf8');
const doc = read('estimator.md');

/** The rows of the markdown table under `header`: [type, last column]. */
function rows(header: string, text = doc): Array<[string, string]> {
  const lines = text.slice(text.indexOf(header)).split('\n').slice(2);
  const table = lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('|')),
  );
  return table.map((l) => {
    const cells = l.split(' | ');
    return [/^\| `([A-Za-z-]+)`/.exec(l)?.[1] ?? l, cells[cells.length - 1].replace(/ \|$/, '')];
  });
}

for (const [what, header, table] of [
  ['monitor', '| type | reads | endpoint |', MONITORS],
  ['predictor', '| type | model | needs |', PREDICTORS],
] as const) {
  test(`docs/estimator.md has one row per ${what} type of the registry`, () => {
    assert.deepEqual(
      rows(header).map(([t]) => t),
      Object.keys(table),
    );
  });
}

test('docs/estimator.md names an endpoint exactly for the monitors that take one', () => {
  for (const [type, endpoint] of rows('| type | reads | endpoint |')) {
    assert.equal(endpoint === '–', MONITORS[type as keyof typeof MONITORS].endpoint === 'unused', type);
  }
});

test('docs/meters.md has a section per node meter of the registry', () => {
  const sections = [...read('meters.md').matchAll(/^### `([a-z]+)`:/gm)].map((m) => m[1]);
  assert.deepEqual(sections, Object.keys(NODE_METERS));
});

test('docs/models.md has one row per trainer of the registry', () => {
  assert.deepEqual(
    rows('| trainer | model | defaults and options |', read('models.md')).map(([t]) => t),
    TRAINER_NAMES,
  );
});
