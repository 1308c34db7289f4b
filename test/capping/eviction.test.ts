import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/kube/types.js';
import type { CappingState } from '../../src/capping/algorithm/types.js';
import { deploymentWithPods } from './fixtures.js';
import { createPolicy, setWatts, startCapping, OPERATOR_NS } from './setup.js';

/** A capping plug-in (catalog entry, over real HTTP) that asks to evict the first pod of each target. */
async function evictingPlugin(): Promise<{ url: string; calls: number; close(): Promise<void> }> {
  const state = { url: '', calls: 0, close: async () => {} };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      state.calls++;
      const s = JSON.parse(text) as CappingState;
      const pods = s.targets
        .filter((t) => (t.pods ?? []).length > 0)
        .map((t) => ({ target: t.id, pod: t.pods![0].name, action: 'Evict', reason: 'test plug-in: shed one replica' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ replicas: [], pods }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/decide`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

test('Evict goes through the Eviction API: a PodDisruptionBudget that allows nothing blocks it (429, retried later), then it evicts', async (t) => {
  const plugin = await evictingPlugin();
  const s = await startCapping({
    seed: [
      ...deploymentWithPods('llm', 'llama', 4),
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'llama', namespace: 'llm' },
        spec: { minAvailable: 4, selector: { matchLabels: { app: 'llama' } } },
        status: { disruptionsAllowed: 0 },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'powerplane-capping-algorithms', namespace: OPERATOR_NS },
        data: { 'algorithms.yaml': `algorithms:\n  - name: evictor\n    version: "1"\n    endpoint: ${plugin.url}\n` },
      },
    ],
  });
  t.after(async () => {
    await s.stop();
    await plugin.close();
  });
  const pods = ['llama-5d4f8-p0', 'llama-5d4f8-p1', 'llama-5d4f8-p2', 'llama-5d4f8-p3'];
  setWatts(s.agent, pods, 300);
  await createPolicy(s.kube, 'cap', {
    mode: 'Enforce',
    actions: ['Evict'],
    algorithm: { name: 'evictor' },
    targets: [{ kind: 'Deployment', name: 'llama' }],
    budget: { watts: 400 },
  });

  let p = await s.round('llm/cap');
  assert.equal(plugin.calls, 1, 'the catalog plug-in was called over HTTP');
  assert.ok(await s.kube.getOrUndefined({ apiVersion: 'v1', kind: 'Pod' }, 'llama-5d4f8-p0', 'llm'), 'the PDB kept the pod');
  const blocked = p?.status?.actions?.find((a) => a.action === 'Evict');
  assert.match(blocked?.change ?? '', /not evicted: a PodDisruptionBudget allows no disruption now \(retried next interval\)/);
  const events = (await s.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'llm' })).items as Array<KubeObject & { reason: string }>;
  assert.ok(events.some((e) => e.reason === 'PowerCapEvictionBlocked'));
  assert.equal(
    ((await s.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'llama', 'llm')).spec as { replicas: number }).replicas,
    4,
    'Evict alone does not scale',
  );

  // The budget now allows one disruption: after the cooldown the eviction goes through.
  await s.kube.patchStatus({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }, 'llama', 'llm', { status: { disruptionsAllowed: 1 } });
  s.clock.ms += 180_000;
  p = await s.round('llm/cap');
  assert.equal(await s.kube.getOrUndefined({ apiVersion: 'v1', kind: 'Pod' }, 'llama-5d4f8-p0', 'llm'), undefined, 'evicted');
  assert.ok(p?.status?.actions?.some((a) => a.action === 'Evict' && a.change === 'pod llama-5d4f8-p0 evicted'));
  const pdb = await s.get({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' }, 'llama', 'llm');
  assert.equal((pdb.status as { disruptionsAllowed: number }).disruptionsAllowed, 0);
  assert.match(
    await s.metrics.text(),
    /powerplane_powercap_actions_total\{namespace="llm",policy="cap",action="Evict",target="Deployment\/llama"\} 1/,
  );
});
