/**
 * @module operator/components/openshift
 * OpenShift objects, built only when `spec.openshift` asks and the CRDs exist: a
 * SecurityContextConstraints that admits the agent as built (hostPID and hostPath, not privileged,
 * only SYS_PTRACE), and a MachineConfig that switches a MachineConfigPool to cgroup v2 (applying it
 * reboots that pool's nodes, one at a time).
 */
import type { KubeObject } from '../../kube/types.js';
import { componentLabels, NAMES } from './labels.js';
import type { ResolvedSpec } from './spec.js';

/** Builds the agent's SecurityContextConstraints. */
export function buildAgentScc(spec: ResolvedSpec): KubeObject {
  return {
    apiVersion: 'security.openshift.io/v1',
    kind: 'SecurityContextConstraints',
    metadata: { name: NAMES.agent, labels: componentLabels('openshift') },
    allowHostPID: true,
    allowHostDirVolumePlugin: true,
    allowHostIPC: false,
    allowHostNetwork: false,
    allowHostPorts: false,
    allowPrivilegedContainer: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    requiredDropCapabilities: ['ALL'],
    allowedCapabilities: ['SYS_PTRACE'],
    defaultAddCapabilities: [],
    runAsUser: { type: 'RunAsAny' },
    seLinuxContext: { type: 'RunAsAny' },
    fsGroup: { type: 'RunAsAny' },
    supplementalGroups: { type: 'RunAsAny' },
    volumes: ['configMap', 'emptyDir', 'hostPath', 'projected', 'secret'],
    users: [`system:serviceaccount:${spec.namespace}:${NAMES.agent}`],
  };
}

/** Builds the MachineConfig enabling cgroup v2 on the configured pool. */
export function buildCgroupV2MachineConfig(spec: ResolvedSpec): KubeObject {
  const pool = spec.openshift.machineConfig.pool;
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: { name: `99-powerplane-${pool}-cgroupv2`, labels: { ...componentLabels('openshift'), 'machineconfiguration.openshift.io/role': pool } },
    spec: { kernelArguments: ['systemd.unified_cgroup_hierarchy=1', 'cgroup_no_v1="all"'] },
  };
}
