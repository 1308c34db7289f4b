import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPrometheus } from '../helpers/prometheus.js';
import { PrometheusPowerSource } from '../../src/operator/capping/prometheus-power.js';
import { deploymentWithPods, scaledObject, servePodExposition } from './fixtures.js';
import { createPolicy, startCapping } from './setup.js';

test('pod power from a real Prometheus scraping a pod power exposition drives an Enforce round', async (t) => {
  const exposition = await servePodExposition();
  const pods = ['llama-5d4f8-p0', 'llama-5d4f8-p1', 'llama-5d4f8-p2', 'llama-5d4f8-p3'];
  for (const p of pods) exposition.watts.set(`llm/${p}`, 300);
  exposition.watts.set('other/unrelated-pod', 5000);
  const prom = await startPrometheus({ scrapeTargets: [exposition.url.replace('http://', '')], scrapeIntervalS: 1 });
  const source = new PrometheusPowerSource({ url: prom.url, rateWindow: '5s' });
  const s = await startCapping({
    seed: [...deploymentWithPods('llm', 'llama', 4), scaledObject('llm', 'llama', 'llama', 10)],
    powerSource: () => source,
  });
  t.after(async () => {
    await s.stop();
    await prom.stop();
    await exposition.close();
  });
  await prom.waitForValue('count(rate(kepler_pod_cpu_joules_total{pod_namespace="llm",zone="package"}[5s]) > 250)', 4, 60_000);

  const read = await source.podWatts('llm', { zones: ['package', 'dram', 'gpu'], includeIdle: false });
  assert.deepEqual([...read.keys()].sort(), pods, "only the namespace's pods");
  for (const w of read.values()) assert.ok(w > 250 && w < 350, `about 300 W per pod from rate() (the nested core zone not added): ${w}`);

  await createPolicy(s.kube, 'cap', { mode: 'Enforce', targets: [{ kind: 'ScaledObject', name: 'llama', minReplicas: 2 }], budget: { watts: 400 } });
  const p = await s.round('llm/cap');
  assert.equal(p?.status?.conditions?.find((c) => c.type === 'MetricsUnavailable')?.status, 'False');
  assert.ok((p?.status?.currentWatts ?? 0) > 1000 && (p?.status?.currentWatts ?? 0) < 1400, String(p?.status?.currentWatts));
  assert.equal(
    ((await s.get({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' }, 'llama', 'llm')).spec as { maxReplicaCount: number }).maxReplicaCount,
    2,
  );

  // A namespace Prometheus has no series for: no data, nothing acts.
  assert.equal((await source.podWatts('empty', { zones: ['package'], includeIdle: true })).size, 0);
  // PromQL errors surface as a failure (MetricsUnavailable in the controller), not as zero watts.
  await assert.rejects(
    new PrometheusPowerSource({ url: prom.url, rateWindow: 'nonsense' }).podWatts('llm', { zones: ['package'], includeIdle: false }),
    /answered 400/,
  );
});
