import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPowerplane } from '../helpers/cli.js';
import { deploymentWithPods, scaledObject } from './fixtures.js';
import { createPolicy, setWatts, startCapping } from './setup.js';

test('powerplane cap status shows budget vs current, targets and the last actions (text and json); bad flags exit 2', async (t) => {
  const s = await startCapping({ seed: [...deploymentWithPods('llm', 'llama', 4), scaledObject('llm', 'llama', 'llama', 10)] });
  t.after(() => s.stop());
  setWatts(s.agent, ['llama-5d4f8-p0', 'llama-5d4f8-p1', 'llama-5d4f8-p2', 'llama-5d4f8-p3'], 300);
  await createPolicy(s.kube, 'cap', { mode: 'Enforce', targets: [{ kind: 'ScaledObject', name: 'llama', minReplicas: 2 }], budget: { watts: 400 } });
  await s.round('llm/cap');

  const json = await runPowerplane(['cap', 'status', '-n', 'llm', '-o', 'json', '--kubeconfig', s.api.kubeconfigPath]);
  assert.equal(json.code, 0, json.stderr);
  const [p] = JSON.parse(json.stdout) as Array<{
    name: string;
    mode: string;
    budgetWatts: number;
    currentWatts: number;
    overBudget: boolean;
    targets: Array<{ maxReplicas: number }>;
    lastActions: Array<{ action: string; change: string }>;
  }>;
  assert.equal(p.name, 'cap');
  assert.equal(p.mode, 'Enforce');
  assert.equal(p.budgetWatts, 400);
  assert.equal(p.currentWatts, 1200);
  assert.equal(p.overBudget, true);
  assert.equal(p.targets[0].maxReplicas, 2);
  assert.ok(p.lastActions.some((a) => a.action === 'LimitReplicas' && /10 → 2/.test(a.change)));

  const text = await runPowerplane(['cap', 'status', '--kubeconfig', s.api.kubeconfigPath]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /NAMESPACE\s+NAME\s+MODE\s+BUDGET\(W\)\s+CURRENT\(W\)/);
  assert.match(text.stdout, /llm\s+cap\s+Enforce\s+400\s+1200/);
  assert.match(text.stdout, /ScaledObject\/llama: Ok, replicas 4, max 2/);

  const bad = await runPowerplane(['cap', 'status', '-o', 'yaml', '--kubeconfig', s.api.kubeconfigPath]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--output/);
});
