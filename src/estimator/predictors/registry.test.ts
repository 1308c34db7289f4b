import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PredictorSchema } from '../spec.js';
import { PREDICTORS, PREDICTOR_TYPES, predictorEntry } from './registry.js';
import { nodeConfigProblems } from '../../operator/api/validation.js';

test('every predictor of the table loads a module with createPowerPredictor', async () => {
  for (const [type, entry] of Object.entries(PREDICTORS)) assert.equal(typeof (await entry.load()).createPowerPredictor, 'function', type);
});

test("the spec's type enum is the table", () => {
  assert.deepEqual(PREDICTOR_TYPES, Object.keys(PREDICTORS));
  assert.deepEqual((PredictorSchema.properties.type as { enum?: unknown }).enum, PREDICTOR_TYPES);
  assert.equal(predictorEntry('__proto__'), undefined);
});

test('the webhook asks for an endpoint where the table requires one; Model also takes a file: URL', () => {
  for (const [type, entry] of Object.entries(PREDICTORS)) {
    const problems = nodeConfigProblems({ powerConsumptionPredictor: { type: type as keyof typeof PREDICTORS } }, 'spec.defaultNodeConfig');
    assert.equal(problems.length, entry.endpoint === 'required' ? 1 : 0, type);
  }
  assert.deepEqual(nodeConfigProblems({ powerConsumptionPredictor: { type: 'Model', endpoint: 'file:///w.json' } }, 'p'), []);
  assert.equal(nodeConfigProblems({ powerConsumptionPredictor: { type: 'MLServer', endpoint: 'file:///w.json' } }, 'p').length, 1);
});
