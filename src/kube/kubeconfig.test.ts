import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kubeconfigFor } from '../../test/fake-apiserver/server.js';
import { ERR_KUBE_CONFIG } from './errors.js';
import { loadKubeConfig } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` with environment variables set (undefined removes), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

test('an explicit kubeconfig file wins and gives its context namespace', () => {
  const file = join(dir, 'explicit');
  const doc = kubeconfigFor('https://127.0.0.1:1', { caPem: 'x', user: { token: 't' } });
  (doc.contexts as Array<{ context: { namespace: string } }>)[0].context.namespace = 'team-a';
  writeFileSync(file, JSON.stringify(doc));
  const loaded = withEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, () => loadKubeConfig({ kubeconfig: file }));
  assert.equal(loaded.source, `file:${file}`);
  assert.equal(loaded.namespace, 'team-a');
  assert.equal(loaded.kubeConfig.getCurrentCluster()?.server, 'https://127.0.0.1:1');
});

test('a missing kubeconfig file is PP_KUBE_CONFIG naming the flag and path', () => {
  assert.throws(
    () => loadKubeConfig({ kubeconfig: join(dir, 'nope') }),
    (e) => ERR_KUBE_CONFIG.is(e) && e.details.flag === '--kubeconfig' && e.exitCode === 2,
  );
});

test('a malformed kubeconfig file is PP_KUBE_CONFIG', () => {
  const file = join(dir, 'bad');
  writeFileSync(file, 'clusters: [: not yaml');
  assert.throws(
    () => loadKubeConfig({ kubeconfig: file }),
    (e) => ERR_KUBE_CONFIG.is(e),
  );
});

test('$KUBECONFIG is used when no file is given', () => {
  const file = join(dir, 'fromenv');
  writeFileSync(file, JSON.stringify(kubeconfigFor('https://127.0.0.1:2', { caPem: 'x', user: { token: 't' } })));
  const loaded = withEnv({ KUBECONFIG: `${join(dir, 'absent')}:${file}`, KUBERNETES_SERVICE_HOST: undefined }, () => loadKubeConfig());
  assert.equal(loaded.source, 'env:KUBECONFIG');
  assert.equal(loaded.kubeConfig.getCurrentCluster()?.server, 'https://127.0.0.1:2');
});

test('in cluster: the service account token, CA and namespace', () => {
  const sa = join(dir, 'root', 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(sa, { recursive: true });
  writeFileSync(join(sa, 'token'), 'tok');
  writeFileSync(join(sa, 'ca.crt'), '');
  writeFileSync(join(sa, 'namespace'), 'powerplane-system\n');
  const loaded = withEnv({ KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, () =>
    loadKubeConfig({ inCluster: true, rootDir: join(dir, 'root') }),
  );
  assert.equal(loaded.source, 'in-cluster');
  assert.equal(loaded.namespace, 'powerplane-system');
  assert.equal(loaded.kubeConfig.getCurrentCluster()?.server, 'https://10.96.0.1:443');
});

test('in cluster without the environment is PP_KUBE_CONFIG', () => {
  assert.throws(
    () =>
      withEnv({ KUBERNETES_SERVICE_HOST: undefined, KUBERNETES_SERVICE_PORT: undefined }, () => loadKubeConfig({ inCluster: true, rootDir: dir })),
    (e) => ERR_KUBE_CONFIG.is(e),
  );
});

test('nothing to load is PP_KUBE_CONFIG', () => {
  assert.throws(
    () => withEnv({ KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined, HOME: join(dir, 'empty-home') }, () => loadKubeConfig()),
    (e) => ERR_KUBE_CONFIG.is(e) && /--kubeconfig/.test(e.message),
  );
});
