/**
 * A scripted in-process agent for dashboard tests: fixed node and workload numbers, refreshes on
 * demand, and the agent's JSON routes served from it (what the real agent component serves).
 */
import type { AgentHandle, CapabilitiesView, NodeView, WorkloadLevel, WorkloadView, WorkloadsResponse } from '../../src/core/contracts.js';
import type { Component } from '../../src/core/component.js';

/** A stub agent whose numbers the test sets. */
export interface StubAgent extends AgentHandle {
  /** Sets the next snapshot and calls the refresh subscribers. */
  refresh(node: NodeView, workloads?: Partial<Record<WorkloadLevel, WorkloadView[]>>): void;
  /** Subscribers now. */
  subscribers(): number;
}

/** A node view with a package and a dram zone. */
export function stubNode(t: number, pkgWatts: number, dramWatts: number, busy = 0.25): NodeView {
  const z = (zone: string, path: string, w: number) => ({
    zone,
    path,
    joulesTotal: w * 100,
    activeJoulesTotal: w * 100 * busy,
    idleJoulesTotal: w * 100 * (1 - busy),
    watts: w,
    activeWatts: w * busy,
    idleWatts: w * (1 - busy),
  });
  const watts = pkgWatts + dramWatts;
  return {
    nodeName: 'stub-node',
    timestamp: t,
    intervalSeconds: 5,
    meter: { name: 'rapl', estimated: false },
    zones: [z('package', '/sys/class/powercap/intel-rapl:0', pkgWatts), z('dram', '/sys/class/powercap/intel-rapl:0:0', dramWatts)],
    watts,
    activeWatts: watts * busy,
    idleWatts: watts * (1 - busy),
    busyRatio: busy,
    cpus: 8,
    gpus: [],
  };
}

/** A running workload with `watts` now. */
export function stubWorkload(level: WorkloadLevel, id: string, name: string, watts: number, extra: Partial<WorkloadView> = {}): WorkloadView {
  return {
    level,
    id,
    name,
    state: 'running',
    watts,
    joulesTotal: watts * 60,
    cpuSecondsTotal: watts * 2,
    zones: { package: { watts, joulesTotal: watts * 60 } },
    ...extra,
  };
}

/** Creates a stub agent with no snapshot yet. */
export function createStubAgent(): StubAgent {
  let node: NodeView | undefined;
  let workloads: Partial<Record<WorkloadLevel, WorkloadView[]>> = {};
  const subs = new Set<(n: NodeView) => void>();
  const caps: CapabilitiesView = {
    nodeName: 'stub-node',
    version: '0.0.0-test',
    meters: [
      { name: 'rapl', available: true, zones: ['package', 'dram'] },
      { name: 'hwmon', available: false, reason: 'no power sensors under /sys/class/hwmon' },
    ],
    chosenMeter: { name: 'rapl', estimated: false },
    zones: ['package', 'dram'],
    platform: { available: false, reason: 'no Redfish, IPMI or ACPI power meter configured' },
    gpus: { available: false, count: 0, reason: 'nvidia-smi not found' },
    metricLevels: ['node', 'container', 'process'],
    metrics: { rapl: 'enabled', gpu: 'unavailable', platform: 'unavailable' },
    kube: { enabled: false },
    cgroupVersion: 2,
  };
  return {
    node: () => node,
    workloads(level, top): WorkloadsResponse {
      const all = [...(workloads[level] ?? [])].sort((a, b) => b.watts - a.watts);
      return { level, timestamp: node?.timestamp ?? 0, total: all.length, items: top === undefined ? all : all.slice(0, top) };
    },
    capabilities: () => caps,
    localNodeModel: () => ({
      nodeName: 'stub-node',
      logicalCpus: 8,
      busyRatio: () => node?.busyRatio ?? 0,
      wattsAt: (b) => 10 + 40 * b,
      modelName: 'stub',
    }),
    onRefresh(cb) {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    refresh(n, w) {
      node = n;
      if (w) workloads = w;
      for (const cb of subs) cb(n);
    },
    subscribers: () => subs.size,
  };
}

/** Serves the agent's JSON routes (`/api/v1/node`, `/api/v1/workloads`, `/api/v1/capabilities`) from a stub. */
export function stubAgentRoutes(agent: AgentHandle): Component {
  return {
    name: 'stub-agent',
    routes(app) {
      app.get(
        '/api/v1/node',
        async (_req, reply) => agent.node() ?? reply.status(503).send({ code: 'PP_AGENT_NOT_READY', message: 'no snapshot yet' }),
      );
      app.get<{ Querystring: { level?: WorkloadLevel; top?: string } }>('/api/v1/workloads', async (req) =>
        agent.workloads(req.query.level ?? 'process', req.query.top ? Number(req.query.top) : undefined),
      );
      app.get('/api/v1/capabilities', async () => agent.capabilities());
    },
  };
}
