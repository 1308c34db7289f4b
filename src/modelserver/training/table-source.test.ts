import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { datasetFromCsvText, componentName, timestampCell } from './table-source.js';
import { calibrationHeader } from '../../agent/calibration/recorder.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';

test('a Kepler preprocessed CSV loads with Kepler names, aliases and zero columns dropped', () => {
  const path = sharedDataPath('kepler-model-db/nx12/preprocess_dyn_default_min_rapl_BPFOnly.csv');
  const { data, notes } = datasetFromCsvText(readFileSync(path, 'utf8'), path, { features: 'BPFOnly' });
  assert.deepEqual(data.features, ['bpf_cpu_time_ms']);
  assert.deepEqual(data.components, ['package', 'dram']);
  assert.equal(data.X.length, 2202);
  assert.equal(data.X[0][0], 1321);
  assert.ok(Math.abs(data.Y[0][0] - 14.743333334724099) < 1e-12);
  assert.equal(data.groups?.[0], '1');
  assert.match(notes.join('\n'), /bpf_page_cache_hit/);
  assert.match(notes.join('\n'), /core_power, uncore_power/);
});

test('the calibration file: named target, time window, bad cells reported with path and line', () => {
  const text = 'timestamp,cpu_busy_ratio,bpf_cpu_time_ms,package_watts,dram_watts\n100,0.1,400,20,3\n105,0.5,2000,40,4\n110,0.9,3600,60,5\n';
  const a = datasetFromCsvText(text, 'cal.csv', { features: 'cpu_busy_ratio', target: 'package_watts', start: 104, end: 200 });
  assert.deepEqual(a.data, { features: ['cpu_busy_ratio'], components: ['package'], X: [[0.5], [0.9]], Y: [[40], [60]] });
  assert.deepEqual(a.span, [105, 110]);
  const b = datasetFromCsvText(text, 'cal.csv', { features: 'cpu_busy_ratio,bpf_cpu_time_ms' });
  assert.deepEqual(b.data.components, ['package', 'dram']);
  assert.throws(
    () => datasetFromCsvText(text.replace('0.5', 'x'), 'cal.csv', { features: 'cpu_busy_ratio' }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === 'cal.csv' && e.details.line === 3,
  );
  assert.throws(
    () => datasetFromCsvText(text, 'cal.csv', { features: 'nope' }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.field === 'features',
  );
  assert.throws(
    () => datasetFromCsvText(text, 'cal.csv', { features: 'cpu_busy_ratio', target: 'watts' }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.field === 'target',
  );
  assert.equal(componentName('platform_watts'), 'platform');
  assert.equal(componentName('watts'), 'watts');
});

test("the agent's calibration file: ISO timestamps, and a torn last row is skipped", () => {
  const header = calibrationHeader(['package', 'dram']);
  const rows = [0.1, 0.5, 0.9].map(
    (u, i) =>
      `${new Date(Date.UTC(2026, 0, 1, 0, 0, i * 5)).toISOString()},${u},${u * 4000},${i * 400},${(20 + 50 * u).toFixed(6)},${(3 + u).toFixed(6)}`,
  );
  const text = [header, ...rows].join('\n') + '\n' + '2026-01-01T00:00:15.000Z,0.3,12';
  const start = Date.UTC(2026, 0, 1, 0, 0, 5) / 1000;
  const { data, span } = datasetFromCsvText(text, 'cal.csv', { features: 'CPUUsage', start, dropIncompleteLastLine: true });
  assert.deepEqual(data.features, ['bpf_cpu_time_ms', 'cpu_busy_ratio']);
  assert.deepEqual(data.components, ['package', 'dram']);
  assert.deepEqual(data.X, [
    [2000, 0.5],
    [3600, 0.9],
  ]);
  assert.deepEqual(span, [start, start + 5]);
  assert.throws(
    () => datasetFromCsvText(text, 'cal.csv', { features: 'CPUUsage' }),
    (e) => ERR_MALFORMED_FILE.is(e),
  );
  assert.equal(timestampCell('1700000000'), 1700000000);
  assert.equal(timestampCell('1700000000000'), 1700000000);
  assert.ok(Number.isNaN(timestampCell('yesterday')));
});
