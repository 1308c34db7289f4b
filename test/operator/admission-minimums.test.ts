import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeKube } from '../helpers/kube.js';
import { KubeError } from '../../src/kube/errors.js';

test('the CRD schemas refuse an agent interval or a refresh interval without a component at the minimum', async () => {
  const { kube, stop } = await startFakeKube({ crds: true });
  try {
    const pm = (interval: string) => ({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerMonitor',
      metadata: { name: 'powerplane' },
      spec: { agent: { interval } },
    });
    for (const interval of ['0s', '50ms', '0.05s']) {
      await assert.rejects(
        kube.create(pm(interval)),
        (e) => e instanceof KubeError && e.httpStatus === 422 && /spec\.agent\.interval/.test(e.message),
        interval,
      );
    }
    await kube.create(pm('100ms'));
    const est = (refreshInterval: string) => ({
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'Estimator',
      metadata: { name: `e${refreshInterval.replace(/\W/g, '')}`, namespace: 'default' },
      spec: { defaultNodeConfig: { nodeMonitor: { refreshInterval } } },
    });
    for (const ri of ['10ms', '999ms', '0.5s']) {
      await assert.rejects(kube.create(est(ri)), (e) => e instanceof KubeError && e.httpStatus === 422 && /refreshInterval/.test(e.message), ri);
    }
    await kube.create(est('1s'));
  } finally {
    await stop();
  }
});
