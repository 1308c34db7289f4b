import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseV2Endpoint, mlserverRequest, mlserverWatts } from './mlserver.js';
import { createFakePredictor } from './fake.js';
import { createNonePredictor } from './none.js';
import { ERR_NOT_FOUND } from '../../core/errors.js';
import { ErrPCPredictorNotFound } from '../errors.js';

const signal = new AbortController().signal;

test('MLServer endpoint parsing as WAO (with or without trailing / or /infer, https; no scheme is an error)', () => {
  for (const e of [
    'http://h:8080/v2/models/model1/versions/v0.1.0',
    'http://h:8080/v2/models/model1/versions/v0.1.0/',
    'http://h:8080/v2/models/model1/versions/v0.1.0/infer',
  ]) {
    const t = parseV2Endpoint(e);
    assert.deepEqual([t.model, t.version, t.inferUrl], ['model1', 'v0.1.0', 'http://h:8080/v2/models/model1/versions/v0.1.0/infer']);
  }
  assert.equal(parseV2Endpoint('https://h/v2/models/m/versions/1/infer').inferUrl, 'https://h/v2/models/m/versions/1/infer');
  assert.equal(parseV2Endpoint('http://h/v2/models/m').inferUrl, 'http://h/v2/models/m/infer');
  for (const bad of ['h:8080/v2/models/model1/versions/v0.1.0', 'ftp://h/v2/models/m', 'http://h/v2/', 'http://h/v2/models/m/versions/']) {
    assert.throws(
      () => parseV2Endpoint(bad),
      (e) => ErrPCPredictorNotFound.is(e) && !ERR_NOT_FOUND.is(e),
      bad,
    );
  }
});

test('MLServer request golden: (10, 22, 0.2) → data [[10,22,0.2]] as FP32; answer outputs[0].data[0]', () => {
  const body = JSON.stringify(mlserverRequest(10, 22, 0.2));
  assert.equal(
    body.replace('0.20000000298023224', '0.2'),
    '{"inputs":[{"name":"predict-prob","shape":[1,3],"datatype":"FP32","data":[[10,22,0.2]]}]}',
  );
  assert.equal(
    mlserverWatts({ model_name: 'model1', outputs: [{ name: 'predict', shape: [1, 1], datatype: 'FP64', data: [94.76267448501928] }] }),
    94.76267448501928,
  );
  assert.equal(mlserverWatts({ outputs: [{ data: [[3]] }] }), 3);
  assert.throws(() => mlserverWatts({ outputs: [] }));
  assert.throws(() => mlserverWatts({}));
});

test('Fake predictor: base + mCPU/1000 × wpc from WAO labels; defaults 0; non-integer fails', async () => {
  const p = createFakePredictor();
  const node = { name: 'w', labels: { 'waofed.bitmedia.co.jp/fakepcp.basewatts': '100', 'waofed.bitmedia.co.jp/fakepcp.wpc': '10' } };
  assert.deepEqual(await p.predict([0, 500, 1000], {}, node, signal), [100, 105, 110]);
  assert.deepEqual(await p.predict([0, 500], {}, { name: 'x', labels: {} }, signal), [0, 0]);
  await assert.rejects(p.predict([0], {}, { name: 'x', labels: { 'waofed.bitmedia.co.jp/fakepcp.wpc': '1.5' } }, signal));
  assert.notEqual(p.identity(node), p.identity({ name: 'x', labels: {} }));
});

test('None predictor: always +Inf', async () => {
  assert.deepEqual(await createNonePredictor().predict([0, 1], {}, { name: 'n', labels: {} }, signal), [Infinity, Infinity]);
});
