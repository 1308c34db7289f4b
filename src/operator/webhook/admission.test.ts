import { test } from 'node:test';
import assert from 'node:assert/strict';
import jsonPatch from 'fast-json-patch';
import {
  parseAdmissionReview,
  validatePowerMonitor,
  mutatePowerMonitor,
  validateEstimator,
  mutateEstimator,
  validatePowerNode,
  NODE_NAME_EXTRA,
} from './admission.js';
import { ERR_OPERATOR_BAD_REVIEW } from '../errors.js';

const review = (operation: string, name: string, object: Record<string, unknown>) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', operation, name, object: { metadata: { name }, ...object } },
});

test('only a PowerMonitor named powerplane is admitted on create; renamed ones may still be updated', () => {
  const ok = validatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', { spec: {} })));
  assert.deepEqual(ok.response, { uid: 'u-1', allowed: true });
  const other = validatePowerMonitor(parseAdmissionReview(review('CREATE', 'second', { spec: {} })));
  assert.equal(other.response.allowed, false);
  assert.equal(other.response.status?.code, 422);
  assert.match(other.response.status!.message, /metadata\.name: only one PowerMonitor, named powerplane/);
  assert.equal(validatePowerMonitor(parseAdmissionReview(review('UPDATE', 'second', { spec: {} }))).response.allowed, true);
});

test('spec sanity: schema errors and cross-field rules name the field; deleting objects are admitted', () => {
  const bad = validatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', { spec: { agent: { port: 70000 } } })));
  assert.equal(bad.response.allowed, false);
  assert.match(bad.response.status!.message, /spec\.agent\.port/);
  const nfs = validatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', { spec: { modelServer: { storage: { type: 'nfs' } } } })));
  assert.match(nfs.response.status!.message, /spec\.modelServer\.storage\.server: storage type nfs needs server and path/);
  const dup = validatePowerMonitor(parseAdmissionReview(review('UPDATE', 'powerplane', { spec: { agent: { meters: ['rapl', 'rapl'] } } })));
  assert.match(dup.response.status!.message, /meter rapl is listed twice/);
  const overlap = validatePowerMonitor(
    parseAdmissionReview(review('CREATE', 'powerplane', { spec: { agent: { secrets: [{ name: 's', mountPath: '/host/sys/x' }] } } })),
  );
  assert.match(overlap.response.status!.message, /spec\.agent\.secrets: mountPath \/host\/sys\/x overlaps/);
  const deleting = review('UPDATE', 'powerplane', { spec: { agent: { port: 0 } } });
  (deleting.request.object.metadata as Record<string, unknown>).deletionTimestamp = '2026-01-01T00:00:00Z';
  assert.equal(validatePowerMonitor(parseAdmissionReview(deleting)).response.allowed, true);
});

test('defaulting returns a JSON patch that fills in the schema defaults and keeps what was set', () => {
  const req = review('CREATE', 'powerplane', { spec: { agent: { port: 9999 } } });
  const res = mutatePowerMonitor(parseAdmissionReview(req)).response;
  assert.equal(res.patchType, 'JSONPatch');
  const ops = JSON.parse(Buffer.from(res.patch!, 'base64').toString()) as jsonPatch.Operation[];
  const patched = jsonPatch.applyPatch(structuredClone(req.request.object), ops).newDocument as unknown as {
    spec: Record<string, Record<string, unknown>>;
  };
  assert.equal(patched.spec.agent.port, 9999);
  assert.equal(patched.spec.agent.interval, '5s');
  assert.equal(patched.spec.namespace, 'powerplane');
  assert.deepEqual(patched.spec.export.levels, ['node', 'container', 'pod', 'vm']);
  // Defaulting an already defaulted object is a no-op.
  const again = mutatePowerMonitor(parseAdmissionReview({ ...req, request: { ...req.request, object: patched } })).response;
  assert.equal(again.patch, undefined);
  const noSpec = mutatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', {}))).response;
  const p2 = jsonPatch.applyPatch({ metadata: { name: 'powerplane' } }, JSON.parse(Buffer.from(noSpec.patch!, 'base64').toString()))
    .newDocument as unknown as { spec: { agent: { port: number } } };
  assert.equal(p2.spec.agent.port, 28282);
});

test('Estimator: WAO defaults, endpoint checks', () => {
  const m = mutateEstimator(parseAdmissionReview(review('CREATE', 'default', { spec: {} }))).response;
  const ops = JSON.parse(Buffer.from(m.patch!, 'base64').toString()) as jsonPatch.Operation[];
  const spec = (jsonPatch.applyPatch({ spec: {} }, ops).newDocument as { spec: { defaultNodeConfig: Record<string, unknown> } }).spec;
  assert.deepEqual(spec.defaultNodeConfig, { nodeMonitor: { agents: [], refreshInterval: '30s' }, powerConsumptionPredictor: { type: 'None' } });
  const bad = validateEstimator(
    parseAdmissionReview(review('CREATE', 'default', { spec: { defaultNodeConfig: { powerConsumptionPredictor: { type: 'MLServer' } } } })),
  ).response;
  assert.equal(bad.allowed, false);
  assert.match(bad.status!.message, /powerConsumptionPredictor\.endpoint: MLServer needs an endpoint/);
  const ok = validateEstimator(
    parseAdmissionReview(
      review('CREATE', 'default', {
        spec: { defaultNodeConfig: { nodeMonitor: { agents: [{ type: 'Prometheus', endpoint: 'http://{node}:28282' }] } } },
      }),
    ),
  ).response;
  assert.equal(ok.allowed, true);
});

test('malformed reviews are rejected naming the field', () => {
  assert.throws(
    () => parseAdmissionReview({ kind: 'Pod' }),
    (e) => ERR_OPERATOR_BAD_REVIEW.is(e) && e.details.field === 'kind',
  );
  assert.throws(
    () => parseAdmissionReview({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: { operation: 'CREATE' } }),
    (e) => ERR_OPERATOR_BAD_REVIEW.is(e) && e.details.field === 'request.uid',
  );
});

test("an agent may write only its own node's PowerNode (node-bound token); others are left to RBAC", () => {
  const req = (name: string, username: string, node?: string) =>
    parseAdmissionReview({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u',
        operation: 'UPDATE',
        name,
        object: { metadata: { name } },
        userInfo: { username, extra: node ? { [NODE_NAME_EXTRA]: [node] } : {} },
      },
    });
  const agent = 'system:serviceaccount:powerplane:powerplane-agent';
  assert.equal(validatePowerNode(req('node-a', agent, 'node-a')).response.allowed, true);
  const denied = validatePowerNode(req('node-b', agent, 'node-a')).response;
  assert.equal(denied.allowed, false);
  assert.equal(denied.status?.code, 403);
  assert.equal(validatePowerNode(req('node-b', agent)).response.allowed, true, 'no node claim (Kubernetes < 1.30): RBAC only');
  assert.equal(validatePowerNode(req('node-b', 'system:serviceaccount:powerplane-system:powerplane-operator', 'node-a')).response.allowed, true);
});

test('what the agent or estimator would refuse is refused: agent interval below 100ms, refreshInterval below 1s', () => {
  for (const interval of ['0s', '50ms', '0.05s', '50ms40ms', 'soon']) {
    const r = validatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', { spec: { agent: { interval } } }))).response;
    assert.equal(r.allowed, false, interval);
    assert.match(r.status!.message, /spec\.agent\.interval: the agent would refuse it \(monitor\.interval\): must be/, interval);
  }
  for (const interval of ['100ms', '0.1s', '5s']) {
    assert.equal(
      validatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', { spec: { agent: { interval } } }))).response.allowed,
      true,
      interval,
    );
  }
  for (const refreshInterval of ['10ms', '999ms', '0s']) {
    const spec = { nodeConfigOverrides: { n1: { nodeMonitor: { refreshInterval } } } };
    const r = validateEstimator(parseAdmissionReview(review('CREATE', 'e', { spec }))).response;
    assert.equal(r.allowed, false, refreshInterval);
    assert.match(r.status!.message, /spec\.nodeConfigOverrides\.n1\.nodeMonitor\.refreshInterval: must be a duration of at least 1s/);
  }
  assert.equal(
    validateEstimator(parseAdmissionReview(review('CREATE', 'e', { spec: { defaultNodeConfig: { nodeMonitor: { refreshInterval: '1s' } } } })))
      .response.allowed,
    true,
  );
});

test('spec.agent.config: a bad key, type or value is refused naming the field; keys of the operator or other components too', () => {
  const refused = (config: unknown) => {
    const res = validatePowerMonitor(parseAdmissionReview(review('CREATE', 'powerplane', { spec: { agent: { config } } }))).response;
    assert.equal(res.allowed, false, JSON.stringify(config));
    assert.equal(res.status?.code, 422);
    return res.status!.message;
  };
  assert.match(refused({ monitor: { intervall: '5s' } }), /spec\.agent\.config\.monitor\.intervall: unknown key/);
  assert.match(refused({ monitor: { maxTerminated: 'many' } }), /spec\.agent\.config\.monitor\.maxTerminated: .*integer/);
  assert.match(refused({ monitor: { interval: '50ms' } }), /spec\.agent\.config\.monitor\.interval: .*at least 100/);
  assert.match(refused({ meter: ['rapl', 'nope'] }), /spec\.agent\.config\.meter: unknown item "nope"/);
  assert.match(refused({ gpu: { source: 'dcgm' } }), /spec\.agent\.config\.gpu\.source: must be one of auto, nvml, nvidia-smi/);
  assert.match(
    refused({ web: { listenAddress: ['0.0.0.0:1'] } }),
    /spec\.agent\.config\.web\.listenAddress: set by the operator from spec\.agent\.port/,
  );
  assert.match(refused({ host: { sysfs: '/sys' } }), /spec\.agent\.config\.host\.sysfs: set by the operator/);
  assert.match(refused({ modelServer: { storeDir: '/x' } }), /spec\.agent\.config\.modelServer\.storeDir: not an agent key/);
  assert.match(refused({ kube: { enabled: true } }), /spec\.agent\.config\.kube\.enabled: not a powerplane key; write kube\.enable/);
  assert.match(refused('text'), /spec\.agent\.config/);
  const ok = validatePowerMonitor(
    parseAdmissionReview(
      review('CREATE', 'powerplane', {
        spec: {
          agent: {
            config: { monitor: { staleness: '1s' }, platform: { redfish: { endpoint: 'https://bmc' } }, model: { serverUrl: 'http://ms:8100' } },
          },
        },
      }),
    ),
  );
  assert.deepEqual(ok.response, { uid: 'u-1', allowed: true });
});
