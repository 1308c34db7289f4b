/**
 * Shared fixtures of the operator tests: a PowerMonitor owner, a build context, and every object
 * the operator can render or build (all integrations on).
 */
import type { KubeObject } from '../../src/kube/types.js';
import { buildDesiredState, type BuildContext } from '../../src/operator/components/desired.js';
import { buildInstallManifests } from '../../src/operator/components/install.js';
import { resolveSpec } from '../../src/operator/components/spec.js';
import type { PowerMonitorSpec } from '../../src/api/v1alpha1/powermonitor.js';

/** A PowerMonitor owner reference target. */
export const OWNER = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', name: 'powerplane', uid: '11111111-2222-3333-4444-555555555555' };

/** A build context with every optional CRD present and one dashboard. */
export const FULL_CONTEXT: BuildContext = {
  image: 'example.org/powerplane:test',
  crds: { serviceMonitor: true, prometheusRule: true, scc: true, machineConfig: true },
  dashboards: [{ name: 'overview', json: '{"title":"overview"}' }],
};

/** A spec that turns everything on. */
export const FULL_SPEC: PowerMonitorSpec = {
  agent: { secrets: [{ name: 'redfish', mountPath: '/etc/redfish' }], resources: { requests: { cpu: '100m' } } },
  modelServer: { enabled: true, storage: { type: 'pvc', claimName: 'models' } },
  estimator: { enabled: true, replicas: 2 },
  scheduler: { enabled: true, policy: 'spread' },
  prometheus: { serviceMonitor: 'on', rules: 'on' },
  openshift: { scc: true, machineConfig: { enabled: true } },
};

/** Every object `render` prints plus every object a full PowerMonitor installs. */
export function everyObject(): KubeObject[] {
  return [
    ...buildInstallManifests({ namespace: 'powerplane-system', image: 'example.org/powerplane:test' }),
    ...buildDesiredState(resolveSpec(FULL_SPEC), OWNER, FULL_CONTEXT).objects,
  ];
}
