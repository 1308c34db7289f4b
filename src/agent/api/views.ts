/**
 * @module agent/api/views
 * Snapshot → the JSON shapes of the agent API (`NodeView`, `WorkloadsResponse`), as pure functions.
 * Sums over zones use only the zones that do not nest inside another (package + dram, or psys), so
 * nothing is counted twice.
 */
import type { NodeView, WorkloadLevel, WorkloadView, WorkloadsResponse, ZoneView } from '../../core/contracts.js';
import type { AgentSnapshot } from '../monitor/snapshot.js';
import { watts } from '../monitor/snapshot.js';
import type { WorkloadAccount } from '../workloads/ledger.js';

/** The node view of a snapshot. */
export function nodeView(s: AgentSnapshot): NodeView {
  const dt = s.intervalSeconds;
  const zones: ZoneView[] = s.zones.map((z) => ({
    zone: z.zone,
    path: z.path,
    joulesTotal: z.totalUj / 1e6,
    activeJoulesTotal: z.activeUj / 1e6,
    idleJoulesTotal: z.idleUj / 1e6,
    watts: watts(z.deltaUj, dt),
    activeWatts: watts(z.activeDeltaUj, dt),
    idleWatts: watts(z.idleDeltaUj, dt),
    ...(z.gap ? { gap: true as const } : {}),
  }));
  let w = 0;
  let a = 0;
  let i = 0;
  s.zones.forEach((z, k) => {
    if (z.nested) return;
    w += zones[k].watts;
    a += zones[k].activeWatts;
    i += zones[k].idleWatts;
  });
  return {
    nodeName: s.nodeName,
    timestamp: s.timestamp,
    intervalSeconds: dt,
    meter: s.meter,
    zones,
    watts: w,
    activeWatts: a,
    idleWatts: i,
    busyRatio: s.busyRatio,
    cpus: s.cpus,
    ...(s.platform ? { platformWatts: s.platform.watts, platformSource: s.platform.source } : {}),
    gpus: s.gpus.map((g) => ({
      index: g.index,
      uuid: g.uuid,
      name: g.name,
      watts: g.watts,
      joulesTotal: g.joulesTotal,
      ...(g.utilization !== undefined ? { utilization: g.utilization } : {}),
    })),
  };
}

/** One workload's view. */
export function workloadView(s: AgentSnapshot, a: WorkloadAccount): WorkloadView {
  const dt = s.intervalSeconds;
  const zones: Record<string, { watts: number; joulesTotal: number }> = {};
  let w = 0;
  let j = 0;
  s.zones.forEach((z, k) => {
    const zw = watts(a.deltaUj[k] ?? 0, dt);
    const zj = (a.energyUj[k] ?? 0) / 1e6;
    zones[z.zone] = { watts: zw, joulesTotal: zj };
    if (!z.nested) {
      w += zw;
      j += zj;
    }
  });
  const m = a.meta;
  return {
    level: a.level,
    id: m.id,
    name: m.name,
    ...(m.namespace ? { namespace: m.namespace } : {}),
    ...(m.podName ? { podName: m.podName } : {}),
    ...(m.containerId ? { containerId: m.containerId } : {}),
    ...(m.runtime ? { runtime: m.runtime } : m.hypervisor ? { runtime: m.hypervisor } : {}),
    ...(m.pid !== undefined && a.level === 'process' ? { pid: m.pid } : {}),
    ...(m.exe && a.level === 'process' ? { exe: m.exe } : {}),
    ...(m.cmdline && a.level === 'process' ? { cmdline: m.cmdline } : {}),
    state: a.state,
    watts: w,
    joulesTotal: j,
    cpuSecondsTotal: a.cpuSeconds,
    zones,
    ...(a.gpuWatts > 0 || a.gpuUj > 0 ? { gpuWatts: a.gpuWatts } : {}),
  };
}

/** The workloads of a level, largest power first (then energy), cut to `top`. */
export function workloadsResponse(s: AgentSnapshot, level: WorkloadLevel, top?: number): WorkloadsResponse {
  const all = s.workloads[level].map((a) => workloadView(s, a));
  all.sort((x, y) => y.watts - x.watts || y.joulesTotal - x.joulesTotal || x.id.localeCompare(y.id));
  return { level, timestamp: s.timestamp, total: all.length, items: top === undefined ? all : all.slice(0, top) };
}
