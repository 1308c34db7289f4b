import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';
import { readKeplerCsv, parseKeplerCsv } from './kepler-csv.js';
import { ERR_MALFORMED_FILE, ERR_FILE_UNREADABLE } from '../../core/errors.js';

test('nx12 ACPI file: CPU time → platform watts, node type as group', async () => {
  const d = await readKeplerCsv(sharedDataPath('kepler-model-db', 'nx12', 'preprocess_abs_default_acpi_BPFOnly.csv'));
  assert.deepEqual(d.features, ['bpf_cpu_time_ms']);
  assert.deepEqual(d.components, ['platform']);
  assert.equal(d.X.length, 2202);
  assert.deepEqual(d.X[0], [1321]);
  assert.deepEqual(d.Y[0], [190]);
  assert.equal(d.groups?.[0], '1');
  const ys = d.Y.map((r) => r[0]);
  assert.ok(Math.min(...ys) >= 171 && Math.max(...ys) <= 396);
});

test('nx12 dynamic RAPL file: package and dram kept, all-zero core/uncore dropped, bookkeeping ignored', async () => {
  const d = await readKeplerCsv(sharedDataPath('kepler-model-db', 'nx12', 'preprocess_dyn_default_min_rapl_BPFOnly.csv'));
  assert.deepEqual(d.features, ['bpf_cpu_time_ms']);
  assert.deepEqual(d.components, ['package', 'dram']);
  assert.equal(d.X.length, 2202);
  assert.deepEqual(d.X[0], [1321]);
  assert.ok(Math.abs(d.Y[0][0] - 14.743333334724099) < 1e-12);
  const kept = await readKeplerCsv(sharedDataPath('kepler-model-db', 'nx12', 'preprocess_dyn_default_min_rapl_BPFOnly.csv'), {
    keepZeroComponents: true,
  });
  assert.deepEqual(kept.components, ['package', 'core', 'uncore', 'dram']);
});

test('malformed Kepler CSVs are reported with path and line', async () => {
  assert.throws(
    () => parseKeplerCsv('timestamp,foo\n1,2\n', 'a.csv'),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.path === 'a.csv',
  );
  assert.throws(
    () => parseKeplerCsv('bpf_cpu_time_ms,package_power\n1,2\n1,oops\n', 'b.csv'),
    (e) => ERR_MALFORMED_FILE.is(e) && e.details.line === 3,
  );
  await assert.rejects(readKeplerCsv('/nonexistent/x.csv'), (e) => ERR_FILE_UNREADABLE.is(e));
});
