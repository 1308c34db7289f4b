/**
 * @module agent/powernode/status
 * The PowerNode status of one node, from the agent's capabilities and node snapshot. Pure.
 */
import type { CapabilitiesView, NodeView } from '../../core/contracts.js';
import type { PowerNodeStatus } from '../../api/v1alpha1/powernode.js';

/** Builds the PowerNode status; `now` is the update time (RFC 3339, seconds). */
export function powerNodeStatus(caps: CapabilitiesView, node: NodeView | undefined, now: string): PowerNodeStatus {
  const meter = node?.meter ?? caps.chosenMeter;
  return {
    nodeName: caps.nodeName,
    meter: meter.name,
    ...(meter.model ? { model: meter.model } : {}),
    source: meter.estimated ? 'estimated' : 'measured',
    zones: [...(node ? node.zones.map((z) => z.zone) : caps.zones)].filter((z, i, a) => a.indexOf(z) === i),
    watts: Math.max(0, Math.round((node?.watts ?? 0) * 100) / 100),
    agentVersion: caps.version,
    lastUpdate: now,
    capabilities: {
      meters: caps.meters.map((m) => ({ name: m.name, available: m.available, ...(m.reason ? { reason: m.reason.slice(0, 1024) } : {}) })),
      platform: caps.platform.available,
      gpus: caps.gpus.available ? caps.gpus.count : 0,
      metricLevels: [...caps.metricLevels],
      ...(caps.kube.podSource ? { podSource: caps.kube.podSource } : {}),
      ...(caps.cgroupVersion ? { cgroupVersion: caps.cgroupVersion } : {}),
    },
    metrics: { ...caps.metrics },
  };
}
