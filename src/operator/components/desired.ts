/**
 * @module operator/components/desired
 * Everything one PowerMonitor installs, as a pure function of its spec and what the cluster offers
 * (which optional CRDs exist): the objects, each labelled and owned by the PowerMonitor, and what
 * happened to each optional integration.
 */
import type { KubeObject } from '../../kube/types.js';
import type { IntegrationState } from '../../api/v1alpha1/powermonitor.js';
import { buildNamespace } from './namespace.js';
import { buildAgentRbac, buildEstimatorRbac } from './rbac.js';
import { buildAgentConfigMap, buildAgentDaemonSet, buildAgentService, buildGpuAgentDaemonSet } from './agent.js';
import { buildModelServerManifests, buildEstimatorManifests } from './workloads.js';
import { buildScheduler, kubeSchedulerImage } from './scheduler.js';
import { NAMES } from './labels.js';
import { buildServiceMonitor, buildPrometheusRule } from './monitoring.js';
import { buildDashboardConfigMaps, type DashboardFile } from './dashboards.js';
import { buildAgentScc, buildCgroupV2MachineConfig } from './openshift.js';
import { withOwner, type Owner } from './labels.js';
import type { ResolvedSpec } from './spec.js';
import { buildNodeSettingsObjects, type NodeSettings } from './node-settings.js';
import { agentConfig } from './agent-config.js';

/** Which optional CRDs the cluster serves. */
export interface OptionalCrds {
  serviceMonitor: boolean;
  prometheusRule: boolean;
  scc: boolean;
  machineConfig: boolean;
}

/** What the builders need besides the spec. */
export interface BuildContext {
  /** Image of the operands when the spec names none (the operator's own image). */
  image: string;
  crds: OptionalCrds;
  dashboards: readonly DashboardFile[];
  /** resourceVersion of each Secret in `spec.agent.secrets` (for the pod-template hash). */
  secretVersions?: Record<string, string>;
  /** The cluster's Kubernetes version (`/version` gitVersion): the default kube-scheduler image. */
  kubeVersion?: string;
  /** Per-node settings parsed from `spec.agent.nodeSettingsSecretRef`, and the operator's namespace that holds them. */
  nodeSettings?: { nodes: ReadonlyMap<string, NodeSettings>; namespace: string };
}

/** The result of {@link buildDesiredState}. */
export interface DesiredState {
  objects: KubeObject[];
  integrations: { serviceMonitor: IntegrationState; prometheusRule: IntegrationState; scc: IntegrationState; machineConfig: IntegrationState };
  /** Integrations asked for with `on` whose CRD is missing (reported in the Reconciled condition). */
  missing: string[];
}

function integration(mode: 'auto' | 'on' | 'off' | boolean, crdExists: boolean): IntegrationState {
  if (mode === 'off' || mode === false) return 'Disabled';
  return crdExists ? 'Installed' : 'CRDMissing';
}

/** Builds every object a PowerMonitor with `spec` installs, owned by `owner`, in apply order. */
export function buildDesiredState(spec: ResolvedSpec, owner: Owner, ctx: BuildContext): DesiredState {
  const ns = spec.namespace;
  const integrations = {
    serviceMonitor: integration(spec.prometheus.serviceMonitor, ctx.crds.serviceMonitor),
    prometheusRule: integration(spec.prometheus.rules, ctx.crds.prometheusRule),
    scc: integration(spec.openshift.scc, ctx.crds.scc),
    machineConfig: integration(spec.openshift.machineConfig.enabled, ctx.crds.machineConfig),
  };
  const missing: string[] = [];
  if (spec.prometheus.serviceMonitor === 'on' && !ctx.crds.serviceMonitor) missing.push('ServiceMonitor (monitoring.coreos.com)');
  if (spec.prometheus.rules === 'on' && !ctx.crds.prometheusRule) missing.push('PrometheusRule (monitoring.coreos.com)');
  if (spec.openshift.scc && !ctx.crds.scc) missing.push('SecurityContextConstraints (security.openshift.io)');
  if (spec.openshift.machineConfig.enabled && !ctx.crds.machineConfig) missing.push('MachineConfig (machineconfiguration.openshift.io)');

  const objects: KubeObject[] = [buildNamespace(ns), ...buildAgentRbac(ns)];
  if (integrations.scc === 'Installed') objects.push(buildAgentScc(spec));
  if (integrations.machineConfig === 'Installed') objects.push(buildCgroupV2MachineConfig(spec));
  const cfg = agentConfig(spec, { nodeSettingsNamespace: ctx.nodeSettings?.namespace });
  objects.push(buildAgentConfigMap(spec, cfg), buildAgentService(spec), buildAgentDaemonSet(spec, ctx.image, ctx.secretVersions, cfg));
  if (spec.agent.gpu.enabled) objects.push(buildGpuAgentDaemonSet(spec, ctx.image, ctx.secretVersions, cfg));
  if (ctx.nodeSettings)
    objects.push(...buildNodeSettingsObjects(ctx.nodeSettings.nodes, { namespace: ctx.nodeSettings.namespace, agentNamespace: ns }));
  if (spec.modelServer.enabled) objects.push(...buildModelServerManifests(spec, ctx.image));
  if (spec.estimator.enabled) objects.push(...buildEstimatorRbac(ns), ...buildEstimatorManifests(spec, ctx.image));
  if (spec.scheduler.enabled) {
    objects.push(
      ...buildScheduler({
        namespace: ns,
        image: spec.scheduler.image ?? kubeSchedulerImage(ctx.kubeVersion ?? ''),
        estimatorUrl: `http://${NAMES.estimator}.${ns}.svc:${spec.estimator.port}`,
        policy: spec.scheduler.policy,
      }),
    );
  }
  if (integrations.serviceMonitor === 'Installed') objects.push(buildServiceMonitor(spec));
  if (integrations.prometheusRule === 'Installed') objects.push(buildPrometheusRule(spec));
  if (spec.grafana.dashboards) objects.push(...buildDashboardConfigMaps(ctx.dashboards, spec.grafana.namespace ?? ns));
  return { objects: objects.map((o) => withOwner(o, owner)), integrations, missing };
}
