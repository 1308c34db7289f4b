/**
 * @module operator/components/spec
 * The PowerMonitor spec with every default applied (the same defaults the CRD schema declares),
 * so builders never deal with absent sections.
 */
import { Value } from 'typebox/value';
import { PowerMonitorSpec, GPU_NODE_LABEL } from '../../api/v1alpha1/powermonitor.js';
import type { METER_NAMES, METRIC_LEVELS, PowerplaneConfig } from '../../core/config-keys.js';

/** A toleration as the agent DaemonSet carries it. */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** A PowerMonitor spec with defaults filled in. Fields without a default stay optional. */
export interface ResolvedSpec {
  namespace: string;
  agent: {
    image?: string;
    imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    interval: string;
    meters: Array<(typeof METER_NAMES)[number]>;
    port: number;
    podSource: 'kubelet' | 'apiserver';
    logLevel: PowerplaneConfig['log']['level'];
    secrets?: Array<{ name: string; mountPath: string }>;
    gpu: { enabled: boolean; nodeSelector: Record<string, string>; runtimeClassName?: string; driverRoot?: string; libraryPath?: string };
    nodeSettingsSecretRef?: { name: string; key: string };
    /** Any agent config key in file form (`spec.agent.config`). */
    config?: Record<string, unknown>;
  };
  collect: { pods: boolean; gpu: boolean; platform: boolean };
  export: { levels: Array<(typeof METRIC_LEVELS)[number]>; idlePolicy: 'none' | 'cpu-share' | 'requests'; maxTerminated: number };
  modelServer: {
    enabled: boolean;
    image?: string;
    port: number;
    storage: { type: 'emptyDir' | 'hostPath' | 'nfs' | 'pvc'; path?: string; server?: string; claimName?: string };
  };
  estimator: { enabled: boolean; image?: string; replicas: number; port: number };
  scheduler: { enabled: boolean; image?: string; policy: 'watts' | 'spread' | 'temperature' };
  prometheus: { serviceMonitor: 'auto' | 'on' | 'off'; rules: 'auto' | 'on' | 'off'; scrapeInterval: string };
  grafana: { dashboards: boolean; namespace?: string };
  openshift: { scc: boolean; machineConfig: { enabled: boolean; pool: string } };
}

/** Applies the schema defaults to a (possibly partial) spec; the input is not changed. */
export function resolveSpec(spec: PowerMonitorSpec | undefined): ResolvedSpec {
  const s = Value.Default(PowerMonitorSpec, structuredClone(spec ?? {})) as ResolvedSpec;
  s.agent.nodeSelector ??= { 'kubernetes.io/os': 'linux' };
  s.agent.tolerations ??= [{ operator: 'Exists' }];
  s.agent.gpu.nodeSelector ??= { [GPU_NODE_LABEL]: 'true' };
  return s;
}
