import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { parseTrainFields, parseMachineSpec, DEFAULT_TRAINERS, type TrainSource } from './train-request.js';
import { ERR_BAD_REQUEST, ERR_INVALID_FLAG } from '../../core/errors.js';

const csv: TrainSource = { kind: 'csv', path: 'x.csv' };
const http = (m: string, field: string) => ERR_BAD_REQUEST(m, { field });
const fail = (m: string): never => {
  throw new Error(m);
};

test('defaults: five folds, all trainers but ratio, AbsPower; Prometheus gets the last hour', () => {
  const r = parseTrainFields(csv, { features: 'BPFOnly' }, http);
  assert.equal(r.folds, 5);
  assert.deepEqual(r.trainers, [...DEFAULT_TRAINERS]);
  assert.ok(!r.trainers.includes('ratio'));
  assert.equal(r.outputType, 'AbsPower');
  assert.equal(r.pipeline, 'powerplane');
  assert.equal(r.start, undefined);
  const p = parseTrainFields(
    { kind: 'prometheus', url: 'http://prom:9090', queries: {} },
    { features: 'CPUBusy', end: '1000000' },
    http,
    undefined,
    2_000_000,
  );
  assert.deepEqual([p.start, p.end], [1_000_000 - 3600, 1_000_000]);
});

test('each invalid field is named as the user wrote it: flag for the CLI, field for HTTP', () => {
  const flag = (f: string) => `--${f.replace(/_/g, '-')}`;
  const cli = (m: string, field: string) => ERR_INVALID_FLAG(m, { flag: field });
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ features: '' }, 'features'],
    [{ features: 'a,a' }, 'features'],
    [{ features: 'a', trainers: 'linear,quantum' }, 'trainers'],
    [{ features: 'a', folds: '1' }, 'folds'],
    [{ features: 'a', output_type: 'Joules' }, 'output_type'],
    [{ features: 'a', isolator: 'profile' }, 'isolator'],
    [{ features: 'a', start: 'soon' }, 'start'],
    [{ features: 'a', start: '2000', end: '1000' }, 'end'],
    [{ features: 'a', step: '-1' }, 'step'],
    [{ features: 'a', name: 'a/b' }, 'name'],
    [{ features: 'a', name: 'x'.repeat(126), trainers: 'linear,polynomial' }, 'name'],
    [{ features: 'a', node_type: '-2' }, 'node_type'],
    [{ features: 'a', machine_spec: 'cores=many' }, 'machine_spec'],
  ];
  for (const [raw, field] of cases) {
    assert.throws(
      () => parseTrainFields(csv, raw, http),
      (e) => ERR_BAD_REQUEST.is(e) && e.details.field === field,
      JSON.stringify(raw),
    );
    assert.throws(
      () => parseTrainFields(csv, raw, cli, flag),
      (e) => ERR_INVALID_FLAG.is(e) && e.details.flag === flag(field) && e.message.startsWith(flag(field)),
      JSON.stringify(raw),
    );
  }
  assert.throws(
    () => parseTrainFields({ kind: 'prometheus', url: 'gopher://x', queries: {} }, { features: 'a' }, http),
    (e) => ERR_BAD_REQUEST.is(e) && e.details.field === 'from',
  );
});

test('machine specs: key=value, JSON, objects, and local', () => {
  assert.deepEqual(parseMachineSpec('processor=intel_xeon_e5_2686v4,cores=72,memory=503', fail), {
    processor: 'intel_xeon_e5_2686v4',
    cores: 72,
    memory: 503,
  });
  assert.deepEqual(parseMachineSpec('{"cores": 8, "chips": 1}', fail), { cores: 8, chips: 1 });
  assert.deepEqual(parseMachineSpec({ frequency: '2400' }, fail), { frequency: 2400 });
  assert.equal(parseMachineSpec('local', fail).cores, cpus().length);
  assert.throws(() => parseMachineSpec('colour=red', fail), /unknown key/);
  assert.throws(() => parseMachineSpec('{nope', fail), /JSON/);
});
