import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measuredVsPredictedSvg, niceTicks, escapeXml } from './svg-plot.js';

test('the plot is well-formed SVG with one point per sample and escaped text', () => {
  const svg = measuredVsPredictedSvg(
    [
      { name: 'package', measured: [10, 20, 30], predicted: [11, 19, 31] },
      { name: 'dram<x>', measured: [1, 2], predicted: [1, 2] },
    ],
    { title: 'gbt & co', subtitle: 'MAE 1 W' },
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.equal((svg.match(/<circle cx="[\d.]+" cy="[\d.]+" r="2"\/>/g) ?? []).length, 5);
  assert.match(svg, /gbt &amp; co/);
  assert.match(svg, /dram&lt;x&gt;/);
  assert.doesNotMatch(svg, /<script|NaN|undefined/);
});

test('large series are strided and ticks are round numbers', () => {
  const n = 10_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const svg = measuredVsPredictedSvg([{ name: 'p', measured: xs, predicted: xs }], { title: 't', maxPoints: 100 });
  assert.equal((svg.match(/r="2"\/>/g) ?? []).length, 100);
  assert.deepEqual(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(31, 199, 4), [50, 100, 150]);
  assert.equal(escapeXml(`'"`), '&apos;&quot;');
});
