import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentSchema } from '../spec.js';
import { MONITORS, MONITOR_TYPES, monitorEntry } from './registry.js';
import { nodeConfigProblems } from '../../operator/api/validation.js';

test('every monitor of the table loads a module with createNodeMonitor', async () => {
  for (const [type, entry] of Object.entries(MONITORS)) assert.equal(typeof (await entry.load()).createNodeMonitor, 'function', type);
});

test("the spec's type enum is the table", () => {
  assert.deepEqual(MONITOR_TYPES, Object.keys(MONITORS));
  assert.deepEqual((AgentSchema.properties.type as { enum?: unknown }).enum, MONITOR_TYPES);
  assert.equal(monitorEntry('toString'), undefined);
});

test('the webhook asks for an endpoint where the table requires one, and accepts MetricsAPI without (the cluster client)', () => {
  for (const [type, entry] of Object.entries(MONITORS)) {
    const problems = nodeConfigProblems({ nodeMonitor: { agents: [{ type: type as keyof typeof MONITORS }] } }, 'spec.defaultNodeConfig');
    assert.equal(problems.length, entry.endpoint === 'required' ? 1 : 0, type);
  }
  assert.deepEqual(nodeConfigProblems({ nodeMonitor: { agents: [{ type: 'MetricsAPI', endpoint: 'ftp://x' }] } }, 'p'), [
    { field: 'p.nodeMonitor.agents[0].endpoint', message: 'MetricsAPI endpoint must be http(s), got ftp:' },
  ]);
});
