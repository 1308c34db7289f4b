import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInferRequest, inputsToRows, buildInferResponse, outputDatatype, tensorValues } from './v2-protocol.js';
import { ERR_BAD_REQUEST } from '../../core/errors.js';

const F = ['cpu', 'amb', 'dp'];

test('the WAO MLServer request (predict-prob, FP32, [1,3], nested data) becomes one row', () => {
  const req = parseInferRequest({ inputs: [{ name: 'predict-prob', shape: [1, 3], datatype: 'FP32', data: [[10, 22, 0.2]] }] });
  assert.deepEqual(inputsToRows(req.inputs, F), [[10, 22, Math.fround(0.2)]]);
  assert.equal(outputDatatype(req.inputs), 'FP32');
});

test('flat data, [F] shape and per-feature inputs all work', () => {
  assert.deepEqual(
    inputsToRows(parseInferRequest({ inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP64', data: [1, 2, 3, 4, 5, 6] }] }).inputs, F),
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  );
  assert.deepEqual(inputsToRows(parseInferRequest({ inputs: [{ name: 'x', shape: [3], datatype: 'INT32', data: [1, 2, 3] }] }).inputs, F), [
    [1, 2, 3],
  ]);
  const perFeature = parseInferRequest({
    inputs: [
      { name: 'dp', shape: [2], datatype: 'FP64', data: [0.1, 0.2] },
      { name: 'cpu', shape: [2, 1], datatype: 'FP64', data: [[10], [20]] },
      { name: 'amb', shape: [2], datatype: 'INT64', data: [21, 22] },
    ],
  });
  assert.deepEqual(inputsToRows(perFeature.inputs, F), [
    [10, 21, 0.1],
    [20, 22, 0.2],
  ]);
  assert.deepEqual(inputsToRows(parseInferRequest({ inputs: [{ name: 'cpu', shape: [2], datatype: 'FP64', data: [1, 2] }] }).inputs, ['cpu']), [
    [1],
    [2],
  ]);
});

test('bad shapes, datatypes and data are 400 errors naming the field', () => {
  const rejects = (body: unknown, field: RegExp) =>
    assert.throws(
      () => inputsToRows(parseInferRequest(body).inputs, F),
      (e) => ERR_BAD_REQUEST.is(e) && e.status === 400 && field.test(String(e.details.field)),
      JSON.stringify(body),
    );
  rejects({ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [[1, 2, 3, 4]] }] }, /inputs\[0\]\.shape/);
  rejects({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [[1, 2]] }] }, /inputs\[0\]\.data/);
  rejects({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'BYTES', data: ['a', 'b', 'c'] }] }, /datatype/);
  rejects({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [[1, 'a', 3]] }] }, /data/);
  rejects({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'UINT8', data: [[1, 300, 3]] }] }, /data/);
  rejects({ inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT32', data: [[1, 2.5, 3]] }] }, /data/);
  rejects({ inputs: [{ name: 'x', shape: [-1, 3], datatype: 'FP32', data: [] }] }, /shape/);
  rejects({ inputs: [] }, /inputs/);
  rejects({ nope: 1 }, /inputs/);
  rejects([1], /body/);
  rejects(
    {
      inputs: [
        { name: 'cpu', shape: [1], datatype: 'FP32', data: [1] },
        { name: 'amb', shape: [1], datatype: 'FP32', data: [1] },
      ],
    },
    /inputs/,
  );
  rejects(
    {
      inputs: [
        { name: 'cpu', shape: [1], datatype: 'FP32', data: [1] },
        { name: 'amb', shape: [2], datatype: 'FP32', data: [1, 2] },
        { name: 'dp', shape: [1], datatype: 'FP32', data: [1] },
      ],
    },
    /shape/,
  );
  rejects(
    {
      inputs: [
        { name: 'a', shape: [1], datatype: 'FP32', data: [1] },
        { name: 'a', shape: [1], datatype: 'FP32', data: [1] },
      ],
    },
    /inputs/,
  );
  assert.throws(() => tensorValues({ name: 'x', shape: [1e4, 1e3], datatype: 'FP32', data: [] }, 'inputs[0]'), /limit/);
});

test('the response has one [N,1] output per component; outputs[0].data[0] is the first component', () => {
  const r = buildInferResponse({
    modelName: 'm',
    modelVersion: '1',
    components: ['package', 'dram'],
    predictions: [
      [100.1, 5],
      [120, 6],
    ],
    datatype: 'FP64',
    id: 'q',
  });
  assert.deepEqual(r, {
    model_name: 'm',
    model_version: '1',
    id: 'q',
    outputs: [
      { name: 'package', shape: [2, 1], datatype: 'FP64', data: [100.1, 120] },
      { name: 'dram', shape: [2, 1], datatype: 'FP64', data: [5, 6] },
    ],
  });
  const only = buildInferResponse({
    modelName: 'm',
    modelVersion: '1',
    components: ['package', 'dram'],
    predictions: [[1, 2]],
    datatype: 'FP32',
    requested: [{ name: 'dram' }],
  });
  assert.deepEqual(
    only.outputs.map((o) => o.name),
    ['dram'],
  );
  assert.throws(
    () =>
      buildInferResponse({
        modelName: 'm',
        modelVersion: '1',
        components: ['package'],
        predictions: [[1]],
        datatype: 'FP32',
        requested: [{ name: 'gpu' }],
      }),
    (e) => ERR_BAD_REQUEST.is(e),
  );
});
