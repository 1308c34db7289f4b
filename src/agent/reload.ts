/**
 * @module agent/reload
 * Configuration hot reload: which keys changed between two configurations, which of them the agent
 * applies while running (the keys core/config-keys classes `hot`: levels, idle policy,
 * terminated-workload limits, pods, GPU and platform meters), and applying them. Other changes (class
 * `restart`: meter, paths, interval, listen address, logging) need a restart and are only reported.
 */
import type { Logger } from '../core/logger.js';
import { CONFIG_KEYS, type PowerplaneConfig } from '../core/config-keys.js';
import type { Agent, AgentUpdate } from './agent.js';
import { selectPlatformMeter } from './platform/index.js';
import { selectGpuMeter, gpuMeteringOn } from './gpu/index.js';
import { createPodResolver } from './pods/index.js';

/** Keys that only matter to other components: ignored by the agent. */
const OTHER_COMPONENT_PREFIXES = ['dashboard.', 'modelServer.', 'estimator.'];

function valueAt(cfg: PowerplaneConfig, key: string): unknown {
  let v: unknown = cfg;
  for (const part of key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  return v;
}

const matches = (key: string, list: readonly string[]) => list.some((k) => (k.endsWith('.') ? key.startsWith(k) : key === k));

/** The keys whose values differ, split by their reload class into those applied live and those needing a restart. Pure. */
export function diffConfig(prev: PowerplaneConfig, next: PowerplaneConfig): { hot: string[]; restart: string[] } {
  const hot: string[] = [];
  const restart: string[] = [];
  for (const { key, reload } of CONFIG_KEYS) {
    if (matches(key, OTHER_COMPONENT_PREFIXES)) continue;
    if (JSON.stringify(valueAt(prev, key)) === JSON.stringify(valueAt(next, key))) continue;
    (reload === 'hot' ? hot : restart).push(key);
  }
  return { hot, restart };
}

/**
 * How each hot key (or section ending in `.`) reaches a running agent: the update it adds. Every
 * hot key of the schema has exactly one entry (a test checks it).
 */
export const HOT_UPDATES: ReadonlyArray<{
  keys: readonly string[];
  update: (next: PowerplaneConfig, nodeName: string, log: Logger) => Promise<AgentUpdate> | AgentUpdate;
}> = [
  { keys: ['metrics'], update: (next) => ({ levels: next.metrics }) },
  { keys: ['attribution.idlePolicy'], update: (next) => ({ idlePolicy: next.attribution.idlePolicy }) },
  { keys: ['monitor.maxTerminated'], update: (next) => ({ maxTerminated: next.monitor.maxTerminated }) },
  { keys: ['monitor.minTerminatedEnergyThreshold'], update: (next) => ({ minTerminatedEnergyThreshold: next.monitor.minTerminatedEnergyThreshold }) },
  { keys: ['platform.'], update: async (next, _n, log) => ({ platform: await selectPlatformMeter(next, log) }) },
  {
    keys: ['gpu.enable', 'gpu.nvidiaSmiPath', 'gpu.source', 'gpu.nvmlLibrary', 'gpu.idleWatts'],
    update: async (next, _n, log) => {
      const g = await selectGpuMeter(next, log);
      return { gpu: { enabled: gpuMeteringOn(next), meter: g.meter, reason: g.reason, tried: g.tried }, gpuIdleWatts: next.gpu.idleWatts };
    },
  },
  {
    keys: ['kube.enable', 'kube.podInformer.mode', 'kube.config', 'kube.kubeletPort'],
    update: async (next, nodeName, log) => ({ pods: { resolver: await createPodResolver(next, nodeName, log), kubeEnabled: next.kube.enable } }),
  },
];

/**
 * Applies the hot keys of `next` that differ from `prev` to a running agent. Returns the changed keys;
 * keys needing a restart are logged, not applied.
 */
export async function applyConfig(
  agent: Agent,
  prev: PowerplaneConfig,
  next: PowerplaneConfig,
  nodeName: string,
  log: Logger,
): Promise<{ hot: string[]; restart: string[] }> {
  const d = diffConfig(prev, next);
  let u: AgentUpdate = {};
  for (const h of HOT_UPDATES) if (d.hot.some((k) => matches(k, h.keys))) u = { ...u, ...(await h.update(next, nodeName, log)) };
  await agent.reconfigure(u);
  if (d.hot.length > 0) log.info({ keys: d.hot }, 'configuration reloaded');
  if (d.restart.length > 0) log.warn({ keys: d.restart }, 'changed configuration keys need a restart of the agent; not applied');
  return d;
}
