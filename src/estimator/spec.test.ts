import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { EstimatorSpecSchema, mergeNodeConfig, nodeConfigFor, type NodeConfig } from './spec.js';

const base: NodeConfig = {
  nodeMonitor: { refreshInterval: '10s', agents: [{ type: 'Fake' }] },
  powerConsumptionPredictor: { type: 'MLServer', endpoint: 'http://a/v2/models/m/versions/v1' },
};

test('a missing or empty override returns the default (WAO estimator_types_test)', () => {
  assert.deepEqual(mergeNodeConfig(base, undefined), {
    refreshInterval: '10s',
    agents: [{ type: 'Fake' }],
    predictor: base.powerConsumptionPredictor,
  });
  assert.deepEqual(mergeNodeConfig(base, {}), mergeNodeConfig(base, undefined));
  assert.deepEqual(mergeNodeConfig(base, { nodeMonitor: { agents: [] } }).agents, [{ type: 'Fake' }]);
});

test('WAO defaults: 30s, no agents, predictor None', () => {
  assert.deepEqual(mergeNodeConfig(undefined, undefined), { refreshInterval: '30s', agents: [], predictor: { type: 'None' } });
});

test('override rules: interval replaces, a non-empty agent list replaces, predictor fields replace one by one', () => {
  const m = mergeNodeConfig(base, {
    nodeMonitor: { refreshInterval: '5s', agents: [{ type: 'Redfish', endpoint: 'https://bmc' }] },
    powerConsumptionPredictor: { type: 'MLServer', endpoint: 'http://b/v2/models/m2' },
  });
  assert.equal(m.refreshInterval, '5s');
  assert.deepEqual(m.agents, [{ type: 'Redfish', endpoint: 'https://bmc' }]);
  assert.equal(m.predictor.endpoint, 'http://b/v2/models/m2');
  const typeOnly = mergeNodeConfig(base, { powerConsumptionPredictor: { type: 'None' } });
  assert.deepEqual(typeOnly.predictor, { type: 'None', endpoint: 'http://a/v2/models/m/versions/v1' });
});

test('nodeConfigFor picks the node override and ignores inherited keys', () => {
  const spec = { defaultNodeConfig: base, nodeConfigOverrides: { n1: { powerConsumptionPredictor: { type: 'Fake' as const } } } };
  assert.equal(nodeConfigFor(spec, 'n1').predictor.type, 'Fake');
  assert.equal(nodeConfigFor(spec, 'n2').predictor.type, 'MLServer');
  assert.equal(nodeConfigFor(spec, 'constructor').predictor.type, 'MLServer');
});

test('the schema accepts WAO specs and rejects unknown types, bad durations and extra fields', () => {
  assert.equal(
    Value.Check(EstimatorSpecSchema, { defaultNodeConfig: { nodeMonitor: { agents: [] }, powerConsumptionPredictor: { type: 'None' } } }),
    true,
  );
  assert.equal(Value.Check(EstimatorSpecSchema, { defaultNodeConfig: { powerConsumptionPredictor: { type: 'TFServing' } } }), false);
  assert.equal(Value.Check(EstimatorSpecSchema, { defaultNodeConfig: { nodeMonitor: { refreshInterval: 'soon' } } }), false);
  assert.equal(Value.Check(EstimatorSpecSchema, { defaultNodeConfig: { bogus: 1 } }), false);
  // the CRD generator needs `type` on enum fields
  const agentType = (
    EstimatorSpecSchema as unknown as {
      properties: {
        defaultNodeConfig: { properties: { nodeMonitor: { properties: { agents: { items: { properties: { type: { type: string } } } } } } } };
      };
    }
  ).properties.defaultNodeConfig.properties.nodeMonitor.properties.agents.items.properties.type;
  assert.equal(agentType.type, 'string');
});
