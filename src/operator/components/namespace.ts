/**
 * @module operator/components/namespace
 * The operand namespace. Its Pod Security Admission level is `privileged`: the agent needs
 * `hostPID` and `hostPath` volumes, which both the `baseline` and `restricted` levels forbid, even
 * though the agent container itself is not privileged (no `privileged: true`, all capabilities
 * dropped except SYS_PTRACE, read-only root file system).
 */
import type { V1Namespace } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { componentLabels } from './labels.js';

/** Builds the operand Namespace. */
export function buildNamespace(name: string): KubeObject<V1Namespace> {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...componentLabels('namespace', 'powerplane'),
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/audit': 'privileged',
        'pod-security.kubernetes.io/warn': 'privileged',
      },
    },
  };
}
