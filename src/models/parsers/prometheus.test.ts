import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusRange, type PromSeries } from './prometheus.js';
import { ERR_MALFORMED_FILE } from '../../core/errors.js';
import { ERR_MODEL_BAD_DATASET } from '../errors.js';

const series = (metric: Record<string, string>, start: number, step: number, values: number[]): PromSeries => ({
  metric,
  values: values.map((v, i) => [start + i * step, String(v)] as [number, string]),
});
const response = (result: PromSeries[]) => ({ status: 'success', data: { resultType: 'matrix', result } });

test('Kepler ≥ 0.10 / agent metrics: CPU seconds → ms/s summed over processes, zone joules → watts', () => {
  const r = response([
    series({ __name__: 'kepler_process_cpu_seconds_total', pid: '1' }, 100, 5, [10, 15, 20, 30]),
    series({ __name__: 'kepler_process_cpu_seconds_total', pid: '2' }, 100, 5, [0, 5, 5, 5]),
    // Container CPU seconds would double count; the process level wins.
    series({ __name__: 'kepler_container_cpu_seconds_total', container_id: 'c' }, 100, 5, [0, 100, 200, 300]),
    series({ __name__: 'kepler_node_cpu_joules_total', zone: 'package', path: '/sys/x' }, 100, 5, [0, 250, 500, 800]),
    series({ __name__: 'kepler_node_cpu_joules_total', zone: 'dram', path: '/sys/y' }, 100, 5, [0, 50, 100, 150]),
    series({ __name__: 'kepler_node_cpu_usage_ratio' }, 100, 5, [0.1, 0.2, 0.3, 0.4]),
  ]);
  const d = parsePrometheusRange(r);
  assert.deepEqual(d.features, ['bpf_cpu_time_ms', 'cpu_busy_ratio']);
  assert.deepEqual(d.components, ['dram', 'package']);
  // First timestamp has no rate; then (5+5)/5 s ×1000, (5+0)/5 ×1000, (10+0)/5 ×1000.
  assert.deepEqual(d.X, [
    [2000, 0.2],
    [1000, 0.3],
    [2000, 0.4],
  ]);
  assert.deepEqual(d.Y, [
    [10, 50],
    [10, 50],
    [10, 60],
  ]);
});

test('Kepler ≤ 0.9 saved form {metric: response}: container feature counters and component joules over modes', () => {
  const saved = {
    kepler_container_bpf_cpu_time_ms_total: response([
      series({ container_id: 'a' }, 0, 3, [0, 300, 600]),
      series({ container_id: 'b' }, 0, 3, [0, 300, 900]),
    ]),
    kepler_node_package_joules_total: response([series({ mode: 'idle' }, 0, 3, [0, 30, 60]), series({ mode: 'dynamic' }, 0, 3, [0, 60, 150])]),
  };
  const d = parsePrometheusRange(saved, { features: ['bpf_cpu_time_ms'], components: ['package'] });
  assert.deepEqual(d.X, [[200], [300]]);
  assert.deepEqual(d.Y, [[30], [40]]);
});

test('a counter reset drops that timestamp; aggregated zone paths replace per-socket ones', () => {
  const r = response([
    series({ __name__: 'kepler_process_cpu_seconds_total', pid: '1' }, 0, 1, [0, 1, 0.5, 1.5]),
    series({ __name__: 'kepler_node_cpu_joules_total', zone: 'package', path: 'aggregated-package' }, 0, 1, [0, 100, 200, 300]),
    series({ __name__: 'kepler_node_cpu_joules_total', zone: 'package', path: '/sys/class/powercap/intel-rapl:0' }, 0, 1, [0, 50, 100, 150]),
  ]);
  const d = parsePrometheusRange(r);
  assert.deepEqual(d.X, [[1000], [1000]]);
  assert.deepEqual(d.Y, [[100], [100]]);
});

test('NaN samples are missing values; a non-numeric sample is malformed', () => {
  const r = response([
    {
      metric: { __name__: 'kepler_node_cpu_usage_ratio' },
      values: [
        [0, '0.5'],
        [1, 'NaN'],
        [2, '0.7'],
      ],
    },
    {
      metric: { __name__: 'kepler_platform_watts' },
      values: [
        [0, '100'],
        [1, '110'],
        [2, '120'],
      ],
    },
  ]);
  const d = parsePrometheusRange(r);
  assert.deepEqual(d.X, [[0.5], [0.7]]);
  assert.deepEqual(d.timestamps, [0, 2]);
  const bad = response([{ metric: { __name__: 'kepler_platform_watts' }, values: [[0, 'lots']] }]);
  assert.throws(
    () => parsePrometheusRange(bad, { path: 'p.json' }),
    (e) => ERR_MALFORMED_FILE.is(e),
  );
});

test('errors: not a matrix, missing features, no common timestamps', () => {
  assert.throws(
    () => parsePrometheusRange({ status: 'success', data: { resultType: 'vector', result: [] } }, { path: 'dump.json' }),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === 'dump.json',
  );
  assert.throws(
    () => parsePrometheusRange(42),
    (e) => ERR_MALFORMED_FILE.is(e),
  );
  const r = response([series({ __name__: 'kepler_node_cpu_usage_ratio' }, 0, 1, [0.5])]);
  assert.throws(
    () => parsePrometheusRange(r),
    (e) => ERR_MODEL_BAD_DATASET.is(e),
  );
  assert.throws(
    () => parsePrometheusRange(r, { features: ['bpf_cpu_time_ms'] }),
    (e) => ERR_MODEL_BAD_DATASET.is(e) && e.details.field === 'features',
  );
});

test('custom mappings read powerplane series', () => {
  const r = response([
    series({ __name__: 'powerplane_node_feature', feature: 'cpu_iowait_ratio' }, 0, 1, [0.1, 0.2]),
    series({ __name__: 'kepler_platform_watts' }, 0, 1, [100, 120]),
  ]);
  const d = parsePrometheusRange(r, {
    mappings: [
      { metric: 'powerplane_node_feature', name: (l) => l.feature, role: 'feature', counter: false },
      { metric: 'kepler_platform_watts', name: 'platform', role: 'target', counter: false },
    ],
  });
  assert.deepEqual(d.features, ['cpu_iowait_ratio']);
  assert.deepEqual(d.Y, [[100], [120]]);
});
