import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultQuery, readLimited, checkPrometheusUrl, datasetFromPrometheus } from './prometheus-source.js';
import { ERR_TRAINING_DATA } from '../errors.js';
import { errorMessage } from '../../core/errors.js';

test('built-in queries cover the agent metrics; others need --query', () => {
  assert.equal(defaultQuery('package_watts'), 'sum by (node_name) (kepler_node_cpu_watts{zone="package"})');
  assert.match(defaultQuery('bpf_cpu_time_ms')!, /count by \(node_name\) \(kepler_node_cpu_info\)/);
  assert.equal(defaultQuery('cpu_instructions'), undefined);
});

test('responses are read up to a limit; URLs are checked; bad ranges are refused before any request', async () => {
  assert.equal(await readLimited(new Response('hello'), 10, 'x'), 'hello');
  await assert.rejects(
    readLimited(new Response('x'.repeat(100)), 10, 'answer'),
    (e) => ERR_TRAINING_DATA.is(e) && /larger than 10 bytes/.test(errorMessage(e)),
  );
  assert.throws(() => checkPrometheusUrl('http://user:pw@prom:9090'), /credentials/);
  assert.throws(() => checkPrometheusUrl('file:///etc/passwd'), /http or https/);
  const base = { url: 'http://127.0.0.1:9', features: ['cpu_busy_ratio'], targets: ['package_watts'] };
  await assert.rejects(
    datasetFromPrometheus({ ...base, start: 10, end: 5, step: 1 }),
    (e) => ERR_TRAINING_DATA.is(e) && (e as { details: { field: string } }).details.field === 'end',
  );
  await assert.rejects(
    datasetFromPrometheus({ ...base, start: 0, end: 86400, step: 1 }),
    (e) => ERR_TRAINING_DATA.is(e) && (e as { details: { field: string } }).details.field === 'step',
  );
  await assert.rejects(
    datasetFromPrometheus({ ...base, targets: ['mystery'], start: 0, end: 60, step: 1 }),
    /no built-in Prometheus query for mystery/,
  );
});
