/**
 * A fake API server with powerplane's CRDs installed, a KubeClient counting writes, and an
 * OperatorManager running against it (no leader election unless asked).
 */
import type { FakeApiServer, SeedObject } from '../fake-apiserver/index.js';
import type { KubeClient } from '../../src/kube/client.js';
import { WriteCounter } from '../../src/kube/write-counter.js';
import type { KubeObject } from '../../src/kube/types.js';
import { silentLogger } from '../../src/core/logger.js';
import { permissiveCrd, startFakeKube } from '../helpers/kube.js';
import { OperatorManager, type OperatorManagerOptions } from '../../src/operator/controller/manager.js';
import type { DashboardFile } from '../../src/operator/components/dashboards.js';

/** A running operator on a fake API server. */
export interface Harness {
  api: FakeApiServer;
  kube: KubeClient;
  manager: OperatorManager;
  /** Waits until the operator has nothing left to do. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** The Prometheus Operator CRDs (minimal, as the fake server needs to serve the kinds). */
export function prometheusOperatorCrds(): SeedObject[] {
  return ['ServiceMonitor', 'PrometheusRule'].map((kind) => permissiveCrd('monitoring.coreos.com', kind));
}

/** Starts a fake API server with the CRDs and an operator. */
export async function startHarness(
  opts: { extraCrds?: SeedObject[]; dashboards?: DashboardFile[]; manager?: Partial<OperatorManagerOptions>; start?: boolean } = {},
): Promise<Harness> {
  const { api, kube } = await startFakeKube({ crds: true, seed: opts.extraCrds ?? [], writeCounter: new WriteCounter() });
  const manager = new OperatorManager({
    kube,
    log: silentLogger(),
    namespace: 'powerplane-system',
    image: 'example.org/powerplane:test',
    dashboards: opts.dashboards ?? [],
    leaderElect: false,
    cleanupPollMs: 50,
    nodeStatusDelayMs: 50,
    ...opts.manager,
  });
  if (opts.start !== false) await manager.start();
  return {
    api,
    kube,
    manager,
    async settle() {
      // Queue idle, then let watch events of the last writes arrive and be handled.
      for (let i = 0; i < 5; i++) {
        await manager.idle();
        await new Promise((r) => setTimeout(r, 60));
      }
      await manager.idle();
    },
    async stop() {
      await manager.stop();
      await api.stop();
    },
  };
}

/** Creates a PowerMonitor through the API. */
export function createPowerMonitor(kube: KubeClient, name = 'powerplane', spec: Record<string, unknown> = {}): Promise<KubeObject> {
  return kube.create({ apiVersion: 'powerplane.io/v1alpha1', kind: 'PowerMonitor', metadata: { name }, spec });
}
