/**
 * @module agent/node-status
 * With `--kube.enable`, the agent publishes its node's `PowerNode` status (meter, zones, watts,
 * capabilities, per-source metric availability) through the operator's writer, which the operator
 * aggregates into the PowerMonitor status. The Kubernetes client is loaded only on this path.
 */
import type { Logger } from '../core/logger.js';
import type { PowerplaneConfig } from '../core/config-keys.js';
import type { AgentHandle } from '../core/contracts.js';

/** Starts the PowerNode status writer; returns its stop function. */
export async function startNodeStatus(config: PowerplaneConfig, nodeName: string, handle: AgentHandle, log: Logger): Promise<() => void> {
  const [{ loadKubeConfig, KubeClient }, { startPowerNodeWriter }] = await Promise.all([import('../kube/index.js'), import('./powernode/writer.js')]);
  const { kubeConfig } = loadKubeConfig({ kubeconfig: config.kube.config || undefined });
  const writer = startPowerNodeWriter({ kube: new KubeClient({ kubeConfig }), nodeName, handle, log });
  return () => writer.stop();
}
