/**
 * A capping controller on the fake API server (powerplane's, KEDA's and KServe's CRDs installed), with a
 * controlled clock, pod power served as a node agent's pod view, and the real built-in algorithms.
 */
import { startFakeKube } from '../helpers/kube.js';
import type { FakeApiServer, SeedObject } from '../fake-apiserver/index.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubeObject } from '../../src/kube/types.js';
import { silentLogger } from '../../src/core/logger.js';
import { CappingController, type CappingControllerDeps } from '../../src/operator/capping/controller.js';
import { CappingMetrics } from '../../src/operator/capping/metrics.js';
import { AgentPowerSource } from '../../src/operator/capping/agent-power.js';
import { catalogAlgorithmResolver } from '../../src/operator/capping/algorithms.js';
import type { PodPowerSource } from '../../src/operator/capping/power-source.js';
import type { PowerCapPolicy } from '../../src/api/v1alpha1/powercappolicy.js';
import { scaledObjectCrd, inferenceServiceCrd } from './third-party-crds.js';
import { serveAgentPods, type Served } from './fixtures.js';

/** The operator namespace of the tests (catalog ConfigMap). */
export const OPERATOR_NS = 'powerplane-system';

/** A running capping setup. */
export interface CappingSetup {
  api: FakeApiServer;
  kube: KubeClient;
  agent: Served;
  controller: CappingController;
  metrics: CappingMetrics;
  /** The controller's clock (ms); advance it between rounds. */
  clock: { ms: number };
  /** One round of `namespace/name`; returns the policy afterwards (undefined when gone). */
  round(key: string): Promise<PowerCapPolicy | undefined>;
  get(ref: { apiVersion: string; kind: string }, name: string, namespace: string): Promise<KubeObject>;
  stop(): Promise<void>;
}

/** Starts the setup; `keda`/`kserve` false leaves that CRD out. */
export async function startCapping(
  opts: {
    seed?: SeedObject[];
    keda?: boolean;
    kserve?: boolean;
    powerSource?: (agent: Served, kube: KubeClient) => PodPowerSource;
    algorithm?: CappingControllerDeps['algorithm'];
    nodes?: CappingControllerDeps['nodes'];
    nodeCosts?: CappingControllerDeps['nodeCosts'];
  } = {},
): Promise<CappingSetup> {
  const crds = [...(opts.keda === false ? [] : [scaledObjectCrd()]), ...(opts.kserve === false ? [] : [inferenceServiceCrd()])];
  const namespaces = ['llm', OPERATOR_NS].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const { api, kube } = await startFakeKube({ crds: true, seed: [...crds, ...namespaces, ...(opts.seed ?? [])] });
  const agent = await serveAgentPods();
  const clock = { ms: Date.parse('2026-06-01T12:00:00Z') };
  const metrics = new CappingMetrics();
  const source = opts.powerSource?.(agent, kube) ?? new AgentPowerSource({ kube, urls: [agent.url] });
  const controller = new CappingController({
    kube,
    log: silentLogger(),
    algorithm: opts.algorithm ?? catalogAlgorithmResolver(kube, OPERATOR_NS),
    powerSource: () => source,
    nodes: opts.nodes ?? (() => []),
    ...(opts.nodeCosts ? { nodeCosts: opts.nodeCosts } : {}),
    metrics,
    now: () => new Date(clock.ms),
  });
  const ref = { apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy' };
  return {
    api,
    kube,
    agent,
    controller,
    metrics,
    clock,
    async round(key) {
      await controller.reconcile(key);
      const [ns, name] = key.split('/');
      return (await kube.getOrUndefined(ref, name, ns)) as PowerCapPolicy | undefined;
    },
    get: (r, name, namespace) => kube.get(r, name, namespace),
    async stop() {
      await agent.close();
      await api.stop();
    },
  };
}

/** Creates a PowerCapPolicy in namespace llm. */
export function createPolicy(kube: KubeClient, name: string, spec: Record<string, unknown>): Promise<KubeObject> {
  return kube.create({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerCapPolicy', metadata: { name, namespace: 'llm' }, spec });
}

/** Sets every pod of `pods` to `watts`. */
export function setWatts(agent: Served, pods: string[], watts: number): void {
  agent.watts.clear();
  for (const p of pods) agent.watts.set(`llm/${p}`, watts);
}
