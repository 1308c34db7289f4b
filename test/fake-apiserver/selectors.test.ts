import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './status.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector, supportedFields } from './selectors.js';

test('label selector parsing: equality, inequality, set-based and existence', () => {
  assert.deepEqual(parseLabelSelector('a=b, c==d,e!=f'), [
    { key: 'a', op: '=', values: ['b'] },
    { key: 'c', op: '=', values: ['d'] },
    { key: 'e', op: '!=', values: ['f'] },
  ]);
  assert.deepEqual(parseLabelSelector('env in (prod, dev),tier notin (db),app.kubernetes.io/name,!legacy'), [
    { key: 'env', op: 'in', values: ['prod', 'dev'] },
    { key: 'tier', op: 'notin', values: ['db'] },
    { key: 'app.kubernetes.io/name', op: 'exists', values: [] },
    { key: 'legacy', op: '!exists', values: [] },
  ]);
  assert.deepEqual(parseLabelSelector(''), []);
  assert.throws(() => parseLabelSelector('a in b'), ApiError);
});

test('label matching follows the API semantics (notin and != match when the key is absent)', () => {
  const labels = { env: 'prod', tier: 'web' };
  const m = (sel: string, l: Record<string, string> | undefined = labels) => matchLabels(parseLabelSelector(sel), l);
  assert.equal(m('env=prod'), true);
  assert.equal(m('env!=prod'), false);
  assert.equal(m('missing!=x'), true);
  assert.equal(m('env in (dev,prod)'), true);
  assert.equal(m('missing notin (x)'), true);
  assert.equal(m('tier notin (web)'), false);
  assert.equal(m('env,!missing'), true);
  assert.equal(matchLabels(parseLabelSelector('env'), undefined), false);
  assert.equal(m(''), true);
});

test('field selectors: supported fields per kind, = and !=', () => {
  const pod = { metadata: { name: 'p', namespace: 'n' }, spec: { nodeName: 'node-1' }, status: { phase: 'Running' } };
  const sel = parseFieldSelector('spec.nodeName=node-1,status.phase!=Failed', supportedFields('Pod'));
  assert.equal(matchFields(sel, pod), true);
  assert.equal(matchFields(parseFieldSelector('spec.nodeName==node-2', supportedFields('Pod')), pod), false);
  assert.equal(matchFields(parseFieldSelector('metadata.namespace=n', supportedFields('ConfigMap')), pod), true);
  assert.throws(
    () => parseFieldSelector('spec.nodeName=x', supportedFields('ConfigMap')),
    (e) => e instanceof ApiError && e.code === 400,
  );
});
