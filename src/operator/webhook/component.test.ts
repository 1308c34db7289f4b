import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from '../../core/server.js';
import { silentLogger } from '../../core/logger.js';
import { createWebhookComponent } from './component.js';
import { WEBHOOK_PATHS } from './configurations.js';

const review = (spec: unknown) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u1', operation: 'CREATE', name: 'powerplane', object: { metadata: { name: 'powerplane' }, spec } },
});

test('mutate routes: a spec that is not an object and deep nesting are 400 naming the field, never 500', async () => {
  const server = await createServer({ log: silentLogger(), components: [createWebhookComponent()] });
  const url = await server.listen('127.0.0.1:0');
  const post = async (path: string, body: string) => {
    const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: r.status, json: (await r.json()) as Record<string, any> };
  };
  try {
    for (const path of [WEBHOOK_PATHS.mutatePowerMonitor, WEBHOOK_PATHS.mutateEstimator]) {
      for (const spec of ['x', 5, [1], true]) {
        const r = await post(path, JSON.stringify(review(spec)));
        assert.deepEqual(
          [r.status, r.json.code, r.json.field],
          [400, 'PP_OPERATOR_BAD_REVIEW', 'request.object.spec'],
          `${path} ${JSON.stringify(spec)}`,
        );
      }
      const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const nested = await post(path, JSON.stringify(review('SPEC')).replace('"SPEC"', deep));
      assert.deepEqual([nested.status, nested.json.field], [400, 'body'], path);
      const ok = await post(path, JSON.stringify(review({})));
      assert.equal(ok.status, 200);
      assert.equal(ok.json.response.allowed, true);
    }
    // Validation explains a wrong spec to the user as a denial.
    const denied = await post(WEBHOOK_PATHS.validateEstimator, JSON.stringify(review('x')));
    assert.deepEqual([denied.status, denied.json.response.allowed], [200, false]);
  } finally {
    await server.close();
  }
});
