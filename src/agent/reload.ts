/**
 * @module agent/reload
 * Configuration hot reload: which keys changed between two configurations, which of them the agent
 * applies while running (the PowerMonitor's `collect` and `export` sections: levels, idle policy,
 * terminated-workload limits, pods, GPU and platform meters), and applying them. Other changes (meter,
 * paths, interval, listen address, logging) need a restart and are only reported.
 */
import type { Logger } from '../core/logger.js';
import { CONFIG_KEYS, type PowerplaneConfig } from '../core/config-keys.js';
import type { Agent, AgentUpdate } from './agent.js';
import { selectPlatformMeter } from './platform/index.js';
import { selectGpuMeter, gpuMeteringOn } from './gpu/index.js';
import { createPodResolver } from './pods/index.js';

/** Keys (or prefixes ending in `.`) applied without a restart. */
export const HOT_RELOAD_KEYS: readonly string[] = ['metrics', 'attribution.idlePolicy', 'monitor.maxTerminated', 'monitor.minTerminatedEnergyThreshold', 'kube.enable', 'kube.podInformer.mode', 'kube.config', 'kube.kubeletPort', 'gpu.enable', 'gpu.nvidiaSmiPath', 'gpu.source', 'gpu.nvmlLibrary', 'gpu.idleWatts', 'platform.'];

/** Keys that only matter to other components: ignored by the agent. */
const OTHER_COMPONENT_PREFIXES = ['dashboard.', 'modelServer.', 'estimator.'];

function valueAt(cfg: PowerplaneConfig, key: string): unknown {
  let v: unknown = cfg;
  for (const part of key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

const matches = (key: string, list: readonly string[]) => list.some((k) => (k.endsWith('.') ? key.startsWith(k) : key === k));

/** The keys whose values differ, split into those applied live and those needing a restart. Pure. */
export function diffConfig(prev: PowerplaneConfig, next: PowerplaneConfig): { hot: string[]; restart: string[] } {
  const hot: string[] = [];
  const restart: string[] = [];
  for (const { key } of CONFIG_KEYS) {
    if (matches(key, OTHER_COMPONENT_PREFIXES)) continue;
    if (JSON.stringify(valueAt(prev, key)) === JSON.stringify(valueAt(next, key))) continue;
    (matches(key, HOT_RELOAD_KEYS) ? hot : restart).push(key);
  }
  return { hot, restart };
}

/**
 * Applies the hot keys of `next` that differ from `prev` to a running agent. Returns the changed keys;
 * keys needing a restart are logged, not applied.
 */
export async function applyConfig(agent: Agent, prev: PowerplaneConfig, next: PowerplaneConfig, nodeName: string, log: Logger): Promise<{ hot: string[]; restart: string[] }> {
  const d = diffConfig(prev, next);
  const changed = (prefix: string) => d.hot.some((k) => k === prefix || k.startsWith(prefix + '.'));
  const u: AgentUpdate = {};
  if (changed('metrics')) u.levels = next.metrics;
  if (changed('attribution.idlePolicy')) u.idlePolicy = next.attribution.idlePolicy;
  if (changed('monitor.maxTerminated')) u.maxTerminated = next.monitor.maxTerminated;
  if (changed('monitor.minTerminatedEnergyThreshold')) u.minTerminatedEnergyThreshold = next.monitor.minTerminatedEnergyThreshold;
  if (changed('platform')) u.platform = await selectPlatformMeter(next, log);
  if (changed('gpu')) {
    const g = await selectGpuMeter(next, log);
    u.gpu = { enabled: gpuMeteringOn(next), meter: g.meter, reason: g.reason, tried: g.tried };
    u.gpuIdleWatts = next.gpu.idleWatts;
  }
  if (changed('kube')) u.pods = { resolver: await createPodResolver(next, nodeName, log), kubeEnabled: next.kube.enable };
  await agent.reconfigure(u);
  if (d.hot.length > 0) log.info({ keys: d.hot }, 'configuration reloaded');
  if (d.restart.length > 0) log.warn({ keys: d.restart }, 'changed configuration keys need a restart of the agent; not applied');
  return d;
}
