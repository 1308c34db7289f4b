import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEP, collectPaths, fromFieldsV1, toFieldsV1 } from './field-paths.js';
import { builtinListType } from './list-types.js';
import { applyConfiguration, recordUpdate, type WriteContext } from './managed-fields.js';
import { mergePatch } from './merge-patch.js';

const ctx = (manager: string): WriteContext => ({
  manager,
  subresource: '',
  statusSeparate: true,
  resolve: builtinListType,
  apiVersion: 'apps/v1',
  now: '2026-01-01T00:00:00Z',
});
const dep = (containers: unknown[], replicas?: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'n' },
  spec: { ...(replicas ? { replicas } : {}), template: { spec: { containers } } },
});

test('merge patch (RFC 7386): null deletes, objects merge, arrays replace', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: null, b: { c: 5 }, e: [3] }), { b: { c: 5, d: 3 }, e: [3] });
  assert.deepEqual(mergePatch('x', { a: 1 }), { a: 1 });
  assert.equal(mergePatch({ a: 1 }, 'y'), 'y');
});

test('field paths: associative lists by key, sets by value, FieldsV1 round trip', () => {
  const paths = collectPaths({ spec: { containers: [{ name: 'a', image: 'i' }] }, metadata: { finalizers: ['f'] } }, builtinListType);
  const k = 'k:{"name":"a"}';
  assert.deepEqual([...paths].sort(), [
    ['f:metadata', 'f:finalizers', 'v:"f"'].join(SEP),
    ['f:spec', 'f:containers', k].join(SEP),
    ['f:spec', 'f:containers', k, 'f:image'].join(SEP),
    ['f:spec', 'f:containers', k, 'f:name'].join(SEP),
  ]);
  const tree = toFieldsV1(paths);
  assert.deepEqual(tree, {
    'f:metadata': { 'f:finalizers': { 'v:"f"': {} } },
    'f:spec': { 'f:containers': { [k]: { '.': {}, 'f:image': {}, 'f:name': {} } } },
  });
  assert.deepEqual(fromFieldsV1(tree), paths);
});

test('apply: two managers own different containers; each change stays within its own', () => {
  const first = applyConfiguration(undefined, dep([{ name: 'app', image: 'a:1' }], 2), false, ctx('op'));
  assert.ok(first.object);
  const second = applyConfiguration(first.object, dep([{ name: 'side', image: 's:1' }]), false, ctx('mesh'));
  assert.ok(second.object);
  const third = applyConfiguration(second.object, dep([{ name: 'app', image: 'a:2' }], 2), false, ctx('op'));
  const containers = (third.object!.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } }).template.spec.containers;
  assert.deepEqual(
    containers.map((c) => `${c.name}=${c.image}`),
    ['app=a:2', 'side=s:1'],
  );
});

test('apply: a changed field owned by another manager conflicts; the same value does not; force transfers it', () => {
  const base = applyConfiguration(undefined, dep([], 2), false, ctx('op')).object!;
  assert.ok(applyConfiguration(base, dep([], 2), false, ctx('hpa')).object, 'same value: shared');
  const conflict = applyConfiguration(base, dep([], 5), false, ctx('hpa'));
  assert.deepEqual(
    conflict.conflicts?.map((c) => [c.manager, c.path]),
    [['op', ['f:spec', 'f:replicas'].join(SEP)]],
  );
  const forced = applyConfiguration(base, dep([], 5), true, ctx('hpa')).object!;
  const mf = (forced.metadata as { managedFields: Array<{ manager: string; fieldsV1: Record<string, unknown> }> }).managedFields;
  const containers = { 'f:template': { 'f:spec': { 'f:containers': {} } } };
  assert.deepEqual(mf.find((e) => e.manager === 'hpa')?.fieldsV1, { 'f:spec': { 'f:replicas': {}, ...containers } });
  assert.deepEqual(mf.find((e) => e.manager === 'op')?.fieldsV1, { 'f:spec': containers });
});

test('an Update write takes ownership of what it changed from the applier', () => {
  const base = applyConfiguration(undefined, dep([], 2), false, ctx('op')).object!;
  const edited = structuredClone(base);
  (edited.spec as { replicas: number }).replicas = 3;
  const mf = recordUpdate(base, edited, ctx('kubectl'));
  assert.deepEqual(
    mf.map((e) => [e.manager, e.operation]),
    [
      ['op', 'Apply'],
      ['kubectl', 'Update'],
    ],
  );
  assert.deepEqual(mf[1].fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.deepEqual(mf[0].fieldsV1, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': {} } } } });
});
