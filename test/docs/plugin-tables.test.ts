/**
 * The estimator's docs list the monitor and predictor types of the registries: one table row per type,
 * in table order, whose endpoint column is "–" exactly for the types that take no endpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MONITORS } from '../../src/estimator/monitors/registry.js';
import { PREDICTORS } from '../../src/estimator/predictors/registry.js';
import { REPO_ROOT } from '../helpers/shared-data.js';

const doc = readFileSync(join(REPO_ROOT, 'docs/estimator.md'), 'utf8');

/** The rows of the markdown table under `header`: [type, last column]. */
function rows(header: string): Array<[string, string]> {
  const lines = doc.slice(doc.indexOf(header)).split('\n').slice(2);
  const table = lines.slice(0, lines.findIndex((l) => !l.startsWith('|')));
  return table.map((l) => {
    const cells = l.split(' | ');
    return [/^\| `([A-Za-z]+)`/.exec(l)?.[1] ?? l, cells[cells.length - 1].replace(/ \|$/, '')];
  });
}

for (const [what, header, table] of [
  ['monitor', '| type | reads | endpoint |', MONITORS],
  ['predictor', '| type | model | needs |', PREDICTORS],
] as const) {
  test(`docs/estimator.md has one row per ${what} type of the registry`, () => {
    assert.deepEqual(rows(header).map(([t]) => t), Object.keys(table));
  });
}

test('docs/estimator.md names an endpoint exactly for the monitors that take one', () => {
  for (const [type, endpoint] of rows('| type | reads | endpoint |')) {
    assert.equal(endpoint === '–', MONITORS[type as keyof typeof MONITORS].endpoint === 'unused', type);
  }
});
