/**
 * The Capping tab's route, `GET /api/v1/capping`, on a real server: PowerCapPolicies as the real capping
 * controller wrote them on the fake API server, a server without a cluster, a cluster without the CRD.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from '../../src/core/server.js';
import { silentLogger } from '../../src/core/logger.js';
import { loadConfig } from '../../src/core/config.js';
import { createDashboardComponent } from '../../src/dashboard/component.js';
import { NO_CLUSTER_REASON } from '../../src/dashboard/capping-source.js';
import { summarize } from '../../src/operator/capping/status-command.js';
import type { PowerCapPolicy } from '../../src/api/v1alpha1/powercappolicy.js';
import { startFakeKube } from '../helpers/kube.js';
import { deploymentWithPods, scaledObject } from '../capping/fixtures.js';
import { createPolicy, setWatts, startCapping } from '../capping/setup.js';

async function serve(defaults: Record<string, unknown>) {
  const { config } = loadConfig({ defaults });
  const server = await createServer({ log: silentLogger(), components: [await createDashboardComponent({ config, log: silentLogger() })] });
  const url = await server.listen('127.0.0.1:0');
  return { url, close: () => server.close() };
}

test('with a cluster: every policy as the operator wrote it (the summary `cap status -o json` prints)', async (t) => {
  const s = await startCapping({ seed: [...deploymentWithPods('llm', 'llama', 4), scaledObject('llm', 'llama', 'llama', 10)] });
  t.after(() => s.stop());
  setWatts(s.agent, ['llama-5d4f8-p0', 'llama-5d4f8-p1', 'llama-5d4f8-p2', 'llama-5d4f8-p3'], 300);
  await createPolicy(s.kube, 'cap', { mode: 'Enforce', targets: [{ kind: 'ScaledObject', name: 'llama', minReplicas: 2 }], budget: { watts: 400 } });
  const written = (await s.round('llm/cap')) as PowerCapPolicy;
  const srv = await serve({ 'kube.enable': true, 'kube.config': s.api.kubeconfigPath });
  t.after(() => srv.close());

  const res = await fetch(`${srv.url}/api/v1/capping`);
  assert.equal(res.status, 200);
  const view = (await res.json()) as { cluster: boolean; policies: ReturnType<typeof summarize>; readAt: string };
  assert.equal(view.cluster, true);
  assert.ok(Number.isFinite(Date.parse(view.readAt)));
  assert.deepEqual(view.policies, summarize([written]));
  const [p] = view.policies;
  assert.equal(p.budgetWatts, 400);
  assert.equal(p.currentWatts, 1200);
  assert.equal(p.targets[0].recommendation?.maxReplicas, 2);
  assert.ok(
    p.lastActions.some((a) => a.action === 'LimitReplicas' && /10 → 2/.test(a.change)),
    JSON.stringify(p.lastActions),
  );
});

test('without a cluster: nothing to show, and the view says why', async (t) => {
  const srv = await serve({});
  t.after(() => srv.close());
  const res = await fetch(`${srv.url}/api/v1/capping`);
  assert.equal(res.status, 200);
  const view = (await res.json()) as { cluster: boolean; reason: string; policies: unknown[] };
  assert.deepEqual(
    { cluster: view.cluster, reason: view.reason, policies: view.policies },
    { cluster: false, reason: NO_CLUSTER_REASON, policies: [] },
  );
});

test('a cluster without the PowerCapPolicy CRD: 502 with the error code, not an empty list', async (t) => {
  const { api } = await startFakeKube();
  t.after(() => api.stop());
  const srv = await serve({ 'kube.enable': true, 'kube.config': api.kubeconfigPath });
  t.after(() => srv.close());
  const res = await fetch(`${srv.url}/api/v1/capping`);
  assert.equal(res.status, 502);
  const body = (await res.json()) as { code: string; message: string };
  assert.equal(body.code, 'PP_DASHBOARD_CLUSTER_UNREACHABLE');
  assert.match(body.message, /^could not list PowerCapPolicies: the server does not serve kind PowerCapPolicy/);
});
