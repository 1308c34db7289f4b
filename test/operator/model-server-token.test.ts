/**
 * The model server token in a cluster (fake API server + the real operator): a random Secret created
 * once, never overwritten, mounted read-only into the model server only, removed with the PowerMonitor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, createPowerMonitor } from './harness.js';

const PM = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor' } as const;
const SECRET = ['v1', 'Secret', 'powerplane-model-server-token', 'powerplane'] as const;

/** The token a Secret holds, from `data` (base64) or `stringData`. */
function tokenOf(s: { data?: Record<string, string>; stringData?: Record<string, string> } | undefined): string | undefined {
  if (s?.data?.token !== undefined) return Buffer.from(s.data.token, 'base64').toString('utf8');
  return s?.stringData?.token;
}

test('the operator creates a random token Secret once, mounts it in the model server, keeps it, and removes it with the PowerMonitor', async () => {
  const h = await startHarness();
  try {
    await createPowerMonitor(h.kube, 'powerplane', { modelServer: { enabled: true }, estimator: { enabled: true } });
    await h.settle();
    const secret = h.api.store.get(...SECRET) as
      | { data?: Record<string, string>; stringData?: Record<string, string>; metadata: { ownerReferences?: Array<{ kind: string }> } }
      | undefined;
    const token = tokenOf(secret);
    assert.match(token ?? '', /^[A-Za-z0-9_-]{43}$/, 'base64url of 32 random bytes');
    assert.equal(secret!.metadata.ownerReferences?.[0].kind, 'PowerMonitor');

    const pod = (name: string) => (h.api.store.get('apps/v1', 'Deployment', name, 'powerplane')!.spec as { template: { spec: any } }).template.spec;
    const ms = pod('powerplane-model-server');
    assert.ok(ms.containers[0].args.includes('--model-server.token-file=/etc/powerplane/model-server-token/token'));
    assert.ok(
      ms.containers[0].args.includes(
        '--web.allowed-hosts=powerplane-model-server.powerplane.svc,powerplane-model-server.powerplane.svc.cluster.local,powerplane-model-server.powerplane,powerplane-model-server',
      ),
    );
    assert.deepEqual(
      ms.volumes.find((v: { name: string }) => v.name === 'token'),
      { name: 'token', secret: { secretName: 'powerplane-model-server-token', defaultMode: 0o440 } },
    );
    assert.deepEqual(
      ms.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'token'),
      { name: 'token', mountPath: '/etc/powerplane/model-server-token', readOnly: true },
    );
    const est = pod('powerplane-estimator');
    assert.ok(est.containers[0].args.some((a: string) => a.startsWith('--web.allowed-hosts=powerplane-estimator.powerplane.svc,')));
    assert.equal(JSON.stringify(est).includes('model-server-token'), false, 'the estimator does not get the write token');
    const agent = (h.api.store.get('apps/v1', 'DaemonSet', 'powerplane-agent', 'powerplane')!.spec as { template: unknown }).template;
    assert.equal(JSON.stringify(agent).includes('model-server-token'), false, 'nor does the agent on every node');

    // A changed spec reconciles again: the token stays. A token set by hand is never overwritten.
    await h.kube.mergePatch(PM, 'powerplane', undefined, { spec: { modelServer: { port: 8101 } } });
    await h.settle();
    assert.equal(tokenOf(h.api.store.get(...SECRET) as never), token);
    await h.kube.mergePatch({ apiVersion: 'v1', kind: 'Secret' }, 'powerplane-model-server-token', 'powerplane', {
      data: { token: Buffer.from('chosen-by-hand').toString('base64') },
      stringData: null,
    });
    h.manager.enqueue();
    await h.settle();
    assert.equal(tokenOf(h.api.store.get(...SECRET) as never), 'chosen-by-hand');

    await h.kube.delete(PM, 'powerplane');
    await h.settle();
    assert.equal(h.api.store.get(...SECRET), undefined);
  } finally {
    await h.stop();
  }
});

test('two PowerMonitor installs get different tokens', async () => {
  const tokens: string[] = [];
  for (let i = 0; i < 2; i++) {
    const h = await startHarness();
    try {
      await createPowerMonitor(h.kube, 'powerplane', { modelServer: { enabled: true } });
      await h.settle();
      tokens.push(tokenOf(h.api.store.get(...SECRET) as never) ?? '');
    } finally {
      await h.stop();
    }
  }
  assert.notEqual(tokens[0], tokens[1]);
});
