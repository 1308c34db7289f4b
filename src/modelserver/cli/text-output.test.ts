import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textTable, num } from './text-table.js';
import { barText } from './progress-bar.js';

test('tables align text left and numbers right', () => {
  assert.equal(
    textTable(
      ['NAME', 'MAE'],
      [
        ['linear', '12.50'],
        ['gbt', '3.10'],
      ],
      new Set([1]),
    ),
    'NAME      MAE\nlinear  12.50\ngbt      3.10\n',
  );
  assert.equal(num(undefined), '-');
  assert.equal(num(Number.NaN), '-');
  assert.equal(num(1.234, 1), '1.2');
});

test('the progress bar shows the fraction done', () => {
  assert.equal(barText(0, 4, 'linear', 8), '[--------]   0% linear');
  assert.equal(barText(2, 4, 'gbt', 8), '[####----]  50% gbt');
  assert.equal(barText(9, 4, 'done', 8), '[########] 100% done');
  assert.equal(barText(1, 0, 'x', 4), '[----]   0% x');
});
