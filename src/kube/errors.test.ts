import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { KubeError, isAlreadyExists, isConflict, isGone, isNotFound, parseStatus, toKubeError } from './errors.js';

const status = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

test('an ApiException with a raw-string Status body becomes a KubeError with code, reason and message', () => {
  const err = toKubeError(new ApiException(409, 'Conflict', status(409, 'AlreadyExists', 'configmaps "a" already exists'), {}), 'POST x');
  assert.ok(err instanceof KubeError);
  assert.equal(err.httpStatus, 409);
  assert.equal(err.reason, 'AlreadyExists');
  assert.equal(err.message, 'POST x: configmaps "a" already exists');
  assert.equal(err.code, 'PP_KUBE_API');
  assert.equal(err.kubeStatus?.code, 409);
  assert.ok(isAlreadyExists(err));
  assert.ok(!isConflict(err));
});

test('helpers classify by status and reason', () => {
  assert.ok(isNotFound(toKubeError({ code: 404, body: status(404, 'NotFound', 'x') })));
  assert.ok(isConflict(toKubeError({ code: 409, body: status(409, 'Conflict', 'modified') })));
  assert.ok(isGone(toKubeError({ statusCode: 410 })));
  assert.ok(isGone(new KubeError(500, 'Expired', 'too old')));
  assert.ok(!isNotFound(new Error('x')));
});

test('a body that is not a Status still gives a reason from the HTTP status', () => {
  const err = toKubeError({ code: 503, body: 'upstream down' });
  assert.equal(err.reason, 'ServiceUnavailable');
  assert.match(err.message, /upstream down/);
});

test('a network error becomes PP_KUBE_UNREACHABLE with status 0', () => {
  const err = toKubeError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
  assert.equal(err.httpStatus, 0);
  assert.equal(err.code, 'PP_KUBE_UNREACHABLE');
  assert.match(err.message, /ECONNREFUSED/);
});

test('parseStatus accepts strings, buffers and objects and rejects other JSON', () => {
  assert.equal(parseStatus(status(404, 'NotFound', 'x'))?.reason, 'NotFound');
  assert.equal(parseStatus(Buffer.from(status(410, 'Expired', 'y')))?.code, 410);
  assert.equal(parseStatus({ kind: 'Status', code: 1 })?.code, 1);
  assert.equal(parseStatus('{"kind":"Pod"}'), undefined);
  assert.equal(parseStatus('not json'), undefined);
});
