import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapActionSchema, TargetKindSchema } from './types.js';
import { CAP_ACTIONS, TARGET_KINDS } from '../../api/v1alpha1/powercappolicy.js';

test('the protocol schemas accept exactly the PowerCapPolicy kinds and actions, in the same order', () => {
  assert.deepEqual(
    TargetKindSchema.anyOf.map((s) => s.const),
    [...TARGET_KINDS],
  );
  assert.deepEqual(
    CapActionSchema.anyOf.map((s) => s.const),
    [...CAP_ACTIONS],
  );
});
