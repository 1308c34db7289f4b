/**
 * @module agent/monitor/grouping
 * Workload grouping, one stage of a refresh: the processes of a scan grouped into the containers and
 * VMs they run in, and containers into their pods (by the pod source), each group with the CPU-tick
 * delta, GPU watts and CPU request of its members. Pure apart from the pod lookups.
 */
import type { ProcessEntry } from '../procfs/scanner.js';
import type { PodResolver, PodRef } from '../pods/types.js';
import type { WorkloadMeta } from '../workloads/ledger.js';
import type { PidGpuWatts } from './gpu-accounting.js';

/** A container, pod or VM of one interval. */
export interface WorkloadGroup {
  key: string;
  meta: WorkloadMeta;
  /** Σ CPU-tick deltas of its processes. */
  ticks: number;
  gpuWatts: number;
  gpuIdleWatts: number;
  /** Σ CPU requests (millicores) of its containers: containers and pods only. */
  requestMilli?: number;
}

/** The groups of one interval per level, and how many containers have no known pod. */
export interface WorkloadGroups {
  container: WorkloadGroup[];
  pod: WorkloadGroup[];
  vm: WorkloadGroup[];
  withoutPod: number;
}

function addTo(g: WorkloadGroup, ticks: number, gpuWatts: number, gpuIdleWatts: number): void {
  g.ticks += ticks;
  g.gpuWatts += gpuWatts;
  g.gpuIdleWatts += gpuIdleWatts;
}

function containerGroup(
  container: NonNullable<ProcessEntry['container']>,
  envName: string | undefined,
  pod: PodRef | undefined,
): WorkloadGroup & { pod?: PodRef } {
  const id = container.id;
  return {
    key: id,
    meta: {
      id,
      name: pod?.containerName ?? envName ?? '',
      containerId: id,
      runtime: container.runtime,
      podName: pod?.name,
      namespace: pod?.namespace,
      podId: pod?.uid,
    },
    ticks: 0,
    gpuWatts: 0,
    gpuIdleWatts: 0,
    requestMilli: pod?.cpuRequestMilli ?? 0,
    pod,
  };
}

/**
 * Groups `processes` into containers and VMs, and containers into pods (`pods` resolves a container id
 * to its pod; without it no container has a pod). A process's GPU watts go to its group.
 */
export function groupWorkloads(processes: readonly ProcessEntry[], gpu: PidGpuWatts, pods: PodResolver | undefined): WorkloadGroups {
  const containers = new Map<string, WorkloadGroup & { pod?: PodRef }>();
  const vms = new Map<string, WorkloadGroup>();
  const withGpu = gpu.active.size > 0;
  const withGpuIdle = gpu.idle.size > 0;
  for (let i = 0; i < processes.length; i++) {
    const p = processes[i];
    if (!p.container && !p.vm) continue;
    const gw = withGpu ? (gpu.active.get(p.pid) ?? 0) : 0;
    const gi = withGpuIdle ? (gpu.idle.get(p.pid) ?? 0) : 0;
    if (p.container) {
      let c = containers.get(p.container.id);
      if (!c) containers.set(p.container.id, (c = containerGroup(p.container, p.containerName, pods?.lookup(p.container.id))));
      addTo(c, p.deltaTicks, gw, gi);
    } else if (p.vm) {
      let v = vms.get(p.vm.id);
      if (!v)
        vms.set(
          p.vm.id,
          (v = { key: p.vm.id, meta: { id: p.vm.id, name: p.vm.name, hypervisor: p.vm.hypervisor }, ticks: 0, gpuWatts: 0, gpuIdleWatts: 0 }),
        );
      addTo(v, p.deltaTicks, gw, gi);
    }
  }
  const podGroups = new Map<string, WorkloadGroup>();
  let withoutPod = 0;
  for (const c of containers.values()) {
    if (!c.pod) {
      withoutPod++;
      continue;
    }
    let g = podGroups.get(c.pod.uid);
    if (!g) {
      g = {
        key: c.pod.uid,
        meta: { id: c.pod.uid, name: c.pod.name, namespace: c.pod.namespace, podName: c.pod.name, podId: c.pod.uid },
        ticks: 0,
        gpuWatts: 0,
        gpuIdleWatts: 0,
        requestMilli: 0,
      };
      podGroups.set(c.pod.uid, g);
    }
    addTo(g, c.ticks, c.gpuWatts, c.gpuIdleWatts);
    g.requestMilli = (g.requestMilli ?? 0) + (c.requestMilli ?? 0);
  }
  return { container: [...containers.values()], pod: [...podGroups.values()], vm: [...vms.values()], withoutPod };
}

/** A process's labels (built once per process while it lives). */
export function processMeta(p: ProcessEntry): WorkloadMeta {
  return {
    id: String(p.pid),
    name: p.comm,
    pid: p.pid,
    startTime: p.startTime,
    comm: p.comm,
    exe: p.exe,
    ...(p.cmdline ? { cmdline: p.cmdline } : {}),
    type: p.container ? 'container' : p.vm ? 'vm' : 'regular',
    containerId: p.container?.id,
    vmId: p.vm?.id,
  };
}
