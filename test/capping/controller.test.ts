import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/kube/types.js';
import type { PowerCapPolicy } from '../../src/api/v1alpha1/powercappolicy.js';
import { ANNOTATIONS } from '../../src/operator/capping/targets.js';
import { deploymentWithPods, scaledObject } from './fixtures.js';
import { createPolicy, setWatts, startCapping, type CappingSetup } from './setup.js';

const SO = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' };
const PODS = ['llama-5d4f8-p0', 'llama-5d4f8-p1', 'llama-5d4f8-p2', 'llama-5d4f8-p3'];
const KEY = 'llm/cap';

function cond(p: PowerCapPolicy | undefined, type: string): { status: string; reason: string; message: string } | undefined {
  return p?.status?.conditions?.find((c) => c.type === type);
}

async function maxReplicaCount(s: CappingSetup): Promise<number | undefined> {
  return ((await s.get(SO, 'llama', 'llm')).spec as { maxReplicaCount?: number }).maxReplicaCount;
}

async function setup(policy: Record<string, unknown>, wattsPerPod = 150): Promise<CappingSetup> {
  const s = await startCapping({ seed: [...deploymentWithPods('llm', 'llama', 4), scaledObject('llm', 'llama', 'llama', 10)] });
  setWatts(s.agent, PODS, wattsPerPod);
  await createPolicy(s.kube, 'cap', {
    targets: [{ kind: 'ScaledObject', name: 'llama', minReplicas: 2 }],
    budget: { watts: 400 },
    thresholds: { cooldown: '2m', stabilizationWindow: '1s' },
    ...policy,
  });
  return s;
}

async function deletePods(s: CappingSetup, names: string[]): Promise<void> {
  for (const n of names) await s.kube.delete({ apiVersion: 'v1', kind: 'Pod' }, n, 'llm');
}

test('DryRun recommends and records, and changes nothing', async (t) => {
  const s = await setup({});
  t.after(() => s.stop());
  const p = await s.round(KEY);
  assert.equal(cond(p, 'RecommendationProvided')?.status, 'True');
  assert.equal(cond(p, 'OverBudget')?.status, 'True', 'four pods at 150 W are over 0.95 × 400 W');
  assert.equal(cond(p, 'Enforcing')?.status, 'False');
  assert.equal(cond(p, 'MetricsUnavailable')?.status, 'False');
  assert.equal(p?.status?.currentWatts, 600);
  assert.equal(p?.status?.budgetWatts, 400);
  const target = p?.status?.targets?.[0];
  assert.equal(target?.state, 'Ok');
  assert.equal(target?.replicas, 4);
  assert.ok(
    target?.recommendation?.maxReplicas !== undefined && target.recommendation.maxReplicas < 4 && target.recommendation.maxReplicas >= 2,
    JSON.stringify(target),
  );
  assert.ok(target?.wattsPerReplica && target.wattsPerReplica.p50 >= 150 && target.wattsPerReplica.p50 < 160);
  assert.ok(p?.status?.actions?.some((a) => a.dryRun === true && a.target === 'ScaledObject/llama'));
  const so = await s.get(SO, 'llama', 'llm');
  assert.equal((so.spec as { maxReplicaCount: number }).maxReplicaCount, 10);
  assert.equal(so.metadata.annotations?.[ANNOTATIONS.limit], undefined);
  assert.ok(!(so.metadata.managedFields ?? []).some((m) => m.manager === 'powerplane-capper'), 'no write by the capper');
  assert.ok(p?.metadata.finalizers?.includes('powerplane.io/finalizer'));
  const text = await s.metrics.text();
  assert.match(text, /powerplane_powercap_budget_watts\{namespace="llm",policy="cap"\} 400/);
  assert.match(text, /powerplane_powercap_current_watts\{namespace="llm",policy="cap"\} 600/);
  assert.match(text, /powerplane_powercap_over_budget\{namespace="llm",policy="cap"\} 1/);
});

test('Enforce lowers maxReplicaCount above act × budget (never below minReplicas), holds through the cooldown, restores below release', async (t) => {
  const s = await setup({ mode: 'Enforce' }, 300);
  t.after(() => s.stop());
  let p = await s.round(KEY);
  // 4 × 300 W against 400 W: the floor (2) wins over what the budget alone would allow (1).
  assert.equal(await maxReplicaCount(s), 2);
  const so = await s.get(SO, 'llama', 'llm');
  assert.equal(so.metadata.annotations?.[ANNOTATIONS.original], '10');
  assert.equal(so.metadata.annotations?.[ANNOTATIONS.limit], '2');
  assert.equal(so.metadata.annotations?.[ANNOTATIONS.policy], KEY);
  assert.ok((so.metadata.managedFields ?? []).some((m) => m.manager === 'powerplane-capper' && m.operation === 'Apply'));
  assert.equal(cond(p, 'Enforcing')?.status, 'True');
  const lowered = p?.status?.actions?.filter((a) => a.action === 'LimitReplicas' && !a.dryRun) ?? [];
  assert.equal(lowered.length, 1);
  assert.match(lowered[0].change, /spec\.maxReplicaCount 10 → 2/);
  assert.match(
    await s.metrics.text(),
    /powerplane_powercap_actions_total\{namespace="llm",policy="cap",action="LimitReplicas",target="ScaledObject\/llama"\} 1/,
  );
  const events = (await s.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'llm' })).items;
  assert.ok(events.some((e) => (e as KubeObject & { reason: string }).reason === 'PowerCapLimited'));

  // KEDA scales down to the limit; power per pod stays high; within the cooldown nothing changes.
  await deletePods(s, PODS.slice(2));
  setWatts(s.agent, PODS.slice(0, 2), 300);
  s.clock.ms += 30_000;
  p = await s.round(KEY);
  assert.equal(await maxReplicaCount(s), 2);
  assert.equal(p?.status?.actions?.filter((a) => !a.dryRun && a.action !== 'Alert').length, 1, 'no second action within the cooldown');

  // Load falls: 2 × 50 W = 100 W < 0.8 × 400 W. After the cooldown the limit is raised back to the user's 10 and restored.
  setWatts(s.agent, PODS.slice(0, 2), 50);
  s.clock.ms += 150_000;
  for (let i = 0; i < 6 && (await maxReplicaCount(s)) !== 10; i++) {
    p = await s.round(KEY);
    s.clock.ms += 150_000;
  }
  const restored = await s.get(SO, 'llama', 'llm');
  assert.equal((restored.spec as { maxReplicaCount: number }).maxReplicaCount, 10);
  assert.equal(restored.metadata.annotations?.[ANNOTATIONS.original], undefined, 'the capper forgets the remembered value');
  assert.ok(
    p?.status?.actions?.some((a) => a.action === 'Restore' || /→ 10/.test(a.change)),
    JSON.stringify(p?.status?.actions),
  );
});

test('hysteresis: between release and act nothing running is cut', async (t) => {
  // 4 × 95 W = 380 W: below act (0.95 × 400 = 380? no: 380 ≥ 380), so use 90 W: 360 W, between 320 and 380.
  const s = await setup({ mode: 'Enforce' }, 90);
  t.after(() => s.stop());
  const p = await s.round(KEY);
  assert.equal(cond(p, 'OverBudget')?.status, 'False');
  assert.ok(((await maxReplicaCount(s)) ?? 0) >= 4, 'no running replica is cut below the act line');
});

test('a conflicting writer keeps its value: the capper does not override it', async (t) => {
  const s = await setup({ mode: 'Enforce' }, 300);
  t.after(() => s.stop());
  await s.round(KEY);
  assert.equal(await maxReplicaCount(s), 2);
  // A GitOps tool takes the field back.
  await s.kube.apply(
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'llama', namespace: 'llm' },
      spec: { scaleTargetRef: { name: 'llama' }, triggers: [{ type: 'cpu', metadata: { value: '50' } }], maxReplicaCount: 8 },
    },
    { fieldManager: 'argocd', force: true },
  );
  s.clock.ms += 300_000;
  let p = await s.round(KEY);
  assert.equal(await maxReplicaCount(s), 8, 'the other writer wins');
  assert.equal(p?.status?.targets?.[0].state, 'ConflictingWriter');
  const events = (await s.kube.list({ apiVersion: 'v1', kind: 'Event' }, { namespace: 'llm' })).items as Array<KubeObject & { reason: string }>;
  assert.ok(events.some((e) => e.reason === 'PowerCapConflict'));
  // Deleting the policy leaves the other writer's value alone.
  await s.kube.delete({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' }, 'cap', 'llm');
  p = await s.round(KEY);
  assert.equal(p, undefined);
  assert.equal(await maxReplicaCount(s), 8);
});

test('missing metrics: MetricsUnavailable, no action, never scaled to 1', async (t) => {
  const s = await setup({ mode: 'Enforce' }, 300);
  t.after(() => s.stop());
  s.agent.watts.clear(); // the agent reports no pod of the target
  let p = await s.round(KEY);
  assert.equal(cond(p, 'MetricsUnavailable')?.status, 'True');
  assert.equal(cond(p, 'RecommendationProvided')?.status, 'False');
  assert.equal(p?.status?.targets?.[0].state, 'MetricsUnavailable');
  assert.equal(p?.status?.currentWatts, undefined, 'no invented measurement');
  assert.equal(await maxReplicaCount(s), 10);
  // The source itself is down.
  await s.agent.close();
  s.clock.ms += 300_000;
  p = await s.round(KEY);
  assert.equal(cond(p, 'MetricsUnavailable')?.reason, 'SourceUnreachable');
  assert.equal(await maxReplicaCount(s), 10);
  assert.ok(!p?.status?.actions?.some((a) => !a.dryRun && a.action === 'LimitReplicas'));
});

test('deleting the policy, or switching it to DryRun, restores the user value', async (t) => {
  const s = await setup({ mode: 'Enforce' }, 300);
  t.after(() => s.stop());
  await s.round(KEY);
  assert.equal(await maxReplicaCount(s), 2);
  // Enforce → DryRun restores.
  await s.kube.mergePatch({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' }, 'cap', 'llm', { spec: { mode: 'DryRun' } });
  s.clock.ms += 30_000;
  let p = await s.round(KEY);
  assert.equal(await maxReplicaCount(s), 10);
  assert.ok(p?.status?.actions?.some((a) => a.action === 'Restore'));
  // Back to Enforce, then delete: the finalizer restores before the policy goes.
  await s.kube.mergePatch({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' }, 'cap', 'llm', { spec: { mode: 'Enforce' } });
  s.clock.ms += 300_000;
  await s.round(KEY);
  assert.equal(await maxReplicaCount(s), 2);
  await s.kube.delete({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' }, 'cap', 'llm');
  const still = await s.kube.getOrUndefined({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' }, 'cap', 'llm');
  assert.ok(still?.metadata.deletionTimestamp, 'the finalizer holds the policy until restored');
  p = await s.round(KEY);
  assert.equal(p, undefined);
  const so = await s.get(SO, 'llama', 'llm');
  assert.equal((so.spec as { maxReplicaCount: number }).maxReplicaCount, 10);
  assert.equal(so.metadata.annotations?.[ANNOTATIONS.policy], undefined);
  assert.doesNotMatch(await s.metrics.text(), /policy="cap"/);
});

test('an unset maxReplicaCount is restored as unset; KServe and plain Deployments are limited through their own fields', async (t) => {
  const isvcPods = [0, 1, 2].map((i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `bert-predictor-${i}`, namespace: 'llm', labels: { 'serving.kserve.io/inferenceservice': 'bert', component: 'predictor' } },
    spec: { nodeName: 'n1', containers: [{ name: 'kserve-container', image: 'x' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  }));
  const s = await startCapping({
    seed: [
      ...deploymentWithPods('llm', 'web', 3),
      {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 'bert', namespace: 'llm' },
        spec: { predictor: { minReplicas: 1, maxReplicas: 6, model: { modelFormat: { name: 'pytorch' } } } },
      },
      ...isvcPods,
    ],
  });
  t.after(() => s.stop());
  setWatts(s.agent, ['web-5d4f8-p0', 'web-5d4f8-p1', 'web-5d4f8-p2', 'bert-predictor-0', 'bert-predictor-1', 'bert-predictor-2'], 200);
  await createPolicy(s.kube, 'cap', {
    mode: 'Enforce',
    targets: [
      { kind: 'Deployment', name: 'web' },
      { kind: 'InferenceService', name: 'bert' },
    ],
    budget: { watts: 500 },
  });
  const p = await s.round(KEY);
  assert.equal(p?.status?.currentWatts, 1200);
  const web = await s.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'web', 'llm');
  const bert = await s.get({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' }, 'bert', 'llm');
  const webReplicas = (web.spec as { replicas: number }).replicas;
  const bertMax = (bert.spec as { predictor: { maxReplicas: number } }).predictor.maxReplicas;
  assert.ok(webReplicas < 3 && webReplicas >= 1, `web scaled through /scale: ${webReplicas}`);
  assert.ok(bertMax < 6 && bertMax >= 1, `bert limited: ${bertMax}`);
  assert.equal(web.metadata.annotations?.[ANNOTATIONS.original], '3');
  assert.equal(bert.metadata.annotations?.[ANNOTATIONS.original], '6');
  await s.kube.delete({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' }, 'cap', 'llm');
  await s.round(KEY);
  assert.equal(((await s.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'web', 'llm')).spec as { replicas: number }).replicas, 3);
  assert.equal(
    (
      (await s.get({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' }, 'bert', 'llm')).spec as {
        predictor: { maxReplicas: number };
      }
    ).predictor.maxReplicas,
    6,
  );
});

test('without the KEDA CRD a ScaledObject target is TargetUnsupported and nothing crashes', async (t) => {
  const s = await startCapping({ keda: false, seed: deploymentWithPods('llm', 'llama', 2) });
  t.after(() => s.stop());
  setWatts(s.agent, PODS.slice(0, 2), 100);
  await createPolicy(s.kube, 'cap', {
    mode: 'Enforce',
    targets: [
      { kind: 'ScaledObject', name: 'llama' },
      { kind: 'Deployment', name: 'llama' },
    ],
    budget: { watts: 1000 },
  });
  const p = await s.round(KEY);
  const so = p?.status?.targets?.find((x) => x.kind === 'ScaledObject');
  assert.equal(so?.state, 'TargetUnsupported');
  assert.match(so?.reason ?? '', /scaledobjects\.keda\.sh/);
  assert.equal(p?.status?.targets?.find((x) => x.kind === 'Deployment')?.state, 'Ok');
});

test('an invalid spec (two budget forms) is reported and nothing acts', async (t) => {
  const s = await setup({ mode: 'Enforce', budget: { watts: 400, percentOfPeak: { percent: 80 } } }, 300);
  t.after(() => s.stop());
  const p = await s.round(KEY);
  assert.equal(cond(p, 'RecommendationProvided')?.reason, 'InvalidSpec');
  assert.match(cond(p, 'RecommendationProvided')?.message ?? '', /spec\.budget/);
  assert.equal(await maxReplicaCount(s), 10);
});
