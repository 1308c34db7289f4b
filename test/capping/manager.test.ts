import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../operator/harness.js';
import type { PowerCapPolicy } from '../../src/api/v1alpha1/powercappolicy.js';

const PCP = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' } as const;

async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('the operator manager reconciles PowerCapPolicies from its informer: finalizer, status, and deletion', async (t) => {
  const h = await startHarness({ extraCrds: [], manager: { capping: { agentUrls: [] } } });
  t.after(() => h.stop());
  await h.kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } });
  await h.kube.create({
    ...PCP,
    metadata: { name: 'cap', namespace: 'llm' },
    spec: { targets: [{ kind: 'ScaledObject', name: 'llama' }], budget: { watts: 100 }, thresholds: { interval: '1s' } },
  });
  const p = await until(async () => {
    const x = await h.kube.get<PowerCapPolicy>(PCP, 'cap', 'llm');
    return x.status?.conditions?.length ? x : undefined;
  }, 'status');
  assert.ok(p.metadata.finalizers?.includes('powerplane.io/finalizer'));
  // No KEDA CRD on this cluster: the target is unsupported, and with nothing to read, no recommendation.
  assert.equal(p.status?.targets?.[0].state, 'TargetUnsupported');
  assert.equal(p.status?.conditions?.find((c) => c.type === 'RecommendationProvided')?.status, 'False');
  assert.equal(p.status?.conditions?.find((c) => c.type === 'MetricsUnavailable')?.status, 'True');
  assert.match(await h.manager.cappingMetrics.text(), /powerplane_powercap_actions_total/);
  await h.kube.delete(PCP, 'cap', 'llm');
  await until(async () => ((await h.kube.getOrUndefined(PCP, 'cap', 'llm')) === undefined ? true : undefined), 'policy gone');
});
