import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KubeObject } from '../../kube/types.js';
import { isSubset, parseQuantity, withAppliedHash, rvNewer, APPLIED_HASH_ANNOTATION } from './compare.js';

test('isSubset ignores server-defaulted fields but not changed or missing ones', () => {
  const desired = { spec: { a: 1, list: [{ name: 'x', port: 80 }] } };
  assert.ok(isSubset(desired, { spec: { a: 1, b: 2, list: [{ name: 'x', port: 80, protocol: 'TCP' }] }, status: {} }));
  assert.ok(!isSubset(desired, { spec: { a: 2, list: [{ name: 'x', port: 80 }] } }));
  assert.ok(
    !isSubset(desired, {
      spec: {
        a: 1,
        list: [
          { name: 'x', port: 80 },
          { name: 'y', port: 81 },
        ],
      },
    }),
    'extra list items count',
  );
  assert.ok(!isSubset(desired, { spec: { list: [{ name: 'x', port: 80 }] } }));
});

test('quantities compare by value', () => {
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('1Gi'), 2 ** 30);
  assert.equal(parseQuantity('abc'), undefined);
  assert.ok(isSubset({ cpu: '0.5' }, { cpu: '500m' }));
  assert.ok(isSubset({ memory: '1024Mi' }, { memory: '1Gi' }));
  assert.ok(!isSubset({ memory: '1Gi' }, { memory: '1G' }));
  assert.ok(!isSubset({ image: 'a:1' }, { image: 'a:2' }));
});

test('an object is a subset of itself plus anything (property)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), (v, extra) => {
      assert.ok(isSubset(v, v));
      if (v && typeof v === 'object' && !Array.isArray(v)) assert.ok(isSubset(v, { ...extra, ...v }));
    }),
  );
});

test('the applied hash follows content; rvNewer compares integer versions', () => {
  const a = withAppliedHash<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { k: '1' } });
  const b = withAppliedHash<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { k: '2' } });
  const c = withAppliedHash<KubeObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
  assert.notEqual(a.metadata.annotations![APPLIED_HASH_ANNOTATION], b.metadata.annotations![APPLIED_HASH_ANNOTATION]);
  assert.notEqual(
    a.metadata.annotations![APPLIED_HASH_ANNOTATION],
    c.metadata.annotations![APPLIED_HASH_ANNOTATION],
    'a field that stops being set changes the hash',
  );
  assert.ok(!isSubset(a, b));
  assert.ok(rvNewer('10', '9'));
  assert.ok(!rvNewer('9', '10'));
  assert.ok(!rvNewer('9', '9'));
  assert.ok(rvNewer('abc', '9'), 'opaque versions count as maybe newer');
});
