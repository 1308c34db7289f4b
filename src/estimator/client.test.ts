import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoFloat, formatGoSlice, decodeInf, curlCommand, estimateUrl } from './client.js';

test('output matches Go fmt: [5 9 13 15 16], +Inf, shortest floats, exponents', () => {
  assert.equal(formatGoSlice([5, 9, 13, 15, 16]), '[5 9 13 15 16]');
  assert.equal(formatGoSlice([Infinity, Infinity]), '[+Inf +Inf]');
  assert.equal(formatGoSlice([]), '[]');
  assert.equal(formatGoSlice([2.5, 5, 7.5, 10]), '[2.5 5 7.5 10]');
  assert.equal(formatGoFloat(94.76267448501928), '94.76267448501928');
  assert.equal(formatGoFloat(123456), '123456');
  assert.equal(formatGoFloat(1e6), '1e+06');
  assert.equal(formatGoFloat(1234567), '1.234567e+06');
  assert.equal(formatGoFloat(0.0001), '0.0001');
  assert.equal(formatGoFloat(0.00001), '1e-05');
  assert.equal(formatGoFloat(-3.5), '-3.5');
  assert.equal(formatGoFloat(0), '0');
});

test('the wire value 1.7976931348623157e308 decodes to +Inf', () => {
  assert.equal(decodeInf(1.7976931348623157e308), Infinity);
  assert.equal(decodeInf(12.5), 12.5);
});

test('-v prints the curl command as WAO estimator-cli does', () => {
  const url = estimateUrl('http://localhost:5656/', 'default', 'default');
  assert.equal(url, 'http://localhost:5656/namespaces/default/estimators/default/values/powerconsumption');
  assert.equal(
    curlCommand(url, '{"cpu_milli":500,"num_workloads":5}', {}),
    `curl -X 'POST' -d '{"cpu_milli":500,"num_workloads":5}' -H 'Content-Type: application/json' 'http://localhost:5656/namespaces/default/estimators/default/values/powerconsumption'`,
  );
  assert.match(curlCommand(url, '{}', { 'X-API-KEY': "it's" }), /-H 'X-API-KEY: it'\\''s'/);
});
