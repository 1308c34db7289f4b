/**
 * @module agent/export/prometheus
 * Renders a snapshot as Prometheus text exposition (version 0.0.4), by hand: it is rebuilt from the
 * snapshot at every scrape, so the series of deleted workloads disappear, and it is fast (label text is
 * built once per workload and cached). Families and labels are Kepler v0.10+'s, with the constant label
 * `node_name`; container series also carry `pod_name` and `pod_namespace`.
 */
import type { WorkloadLevel } from '../../core/contracts.js';
import type { AgentSnapshot } from '../monitor/snapshot.js';
import type { AgentCounters } from '../monitor/monitor.js';
import type { WorkloadAccount } from '../workloads/ledger.js';
import type { CpuInfoEntry } from '../procfs/cpuinfo.js';

/** What the exporter needs besides the snapshot. */
export interface ExportOptions {
  /** Levels of `--metrics`: node, process, container, vm, pod. */
  levels: ReadonlySet<string>;
  /** True when an idle policy other than `none` is on (exports `powerplane_*_idle_joules_total`). */
  idleFamilies: boolean;
  counters: AgentCounters;
  cpuInfo: readonly CpuInfoEntry[];
  build: { version: string; revision: string; branch: string };
}

/** Escapes a label value (backslash, double quote, newline). */
export function escapeLabel(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

function fmt(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

/** Appends to one string (V8 ropes make this cheaper than collecting parts and joining). */
class Writer {
  private out = '';
  family(name: string, type: 'counter' | 'gauge', help: string): void {
    this.out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
  }
  sample(name: string, labels: string, value: number): void {
    this.out += name + '{' + labels + '} ' + fmt(value) + '\n';
  }
  text(): string {
    return this.out;
  }
}

/** Label text of a workload without `state` and `zone` (cached on the account). */
function baseLabels(a: WorkloadAccount, node: string): string {
  if (a.labelCache !== undefined) return a.labelCache;
  const m = a.meta;
  const e = escapeLabel;
  let s: string;
  switch (a.level) {
    case 'process':
      s = `node_name="${node}",pid="${m.pid ?? m.id}",comm="${e(m.comm ?? m.name)}",exe="${e(m.exe ?? '')}",type="${m.type ?? 'regular'}",container_id="${m.containerId ?? ''}",vm_id="${e(m.vmId ?? '')}",start_time="${m.startTime ?? ''}"`;
      break;
    case 'container':
      s = `node_name="${node}",container_id="${m.id}",container_name="${e(m.name)}",runtime="${m.runtime ?? 'unknown'}",pod_id="${e(m.podId ?? '')}",pod_name="${e(m.podName ?? '')}",pod_namespace="${e(m.namespace ?? '')}"`;
      break;
    case 'pod':
      s = `node_name="${node}",pod_id="${e(m.id)}",pod_name="${e(m.name)}",pod_namespace="${e(m.namespace ?? '')}"`;
      break;
    case 'vm':
      s = `node_name="${node}",vm_id="${e(m.id)}",vm_name="${e(m.name)}",hypervisor="${m.hypervisor ?? ''}"`;
      break;
  }
  a.labelCache = s;
  return s;
}

const LEVEL_HELP: Record<WorkloadLevel, string> = { process: 'process', container: 'container', pod: 'pod', vm: 'virtual machine' };

/** Levels in the order their families are written. */
const WORKLOAD_LEVELS = ['process', 'container', 'vm', 'pod'] as const;

/**
 * `powerplane_unattributed_{cpu,idle}_joules_total{level,zone}`: per exported level, the energy no
 * workload of the level owns, so that per zone Σ the level's workload counters + this = the node's
 * active (idle) counter.
 */
function renderUnattributed(w: Writer, snap: AgentSnapshot, opts: ExportOptions, node: string, zoneSuffix: readonly string[]): void {
  const levels = WORKLOAD_LEVELS.filter((l) => opts.levels.has(l) && snap.remainders);
  if (levels.length === 0 || !snap.remainders) return;
  const rest = snap.remainders;
  const fams: Array<[string, string, 'energyUj' | 'idleUj']> = [
    [
      'powerplane_unattributed_cpu_joules_total',
      'Active CPU energy in joules that no workload of the level owns: CPU time outside the level (processes in no container, pod or VM), and at every level intervals in which no process used CPU',
      'energyUj',
    ],
  ];
  if (opts.idleFamilies)
    fams.push([
      'powerplane_unattributed_idle_joules_total',
      'Idle CPU energy in joules that attribution.idlePolicy gives to no workload of the level',
      'idleUj',
    ]);
  for (const [name, help, field] of fams) {
    w.family(name, 'counter', help);
    for (const level of levels) {
      const values = rest[level].unattributed[field];
      for (let z = 0; z < zoneSuffix.length; z++) w.sample(name, `node_name="${node}",level="${level}"` + zoneSuffix[z], values[z] / 1e6);
    }
  }
}

/** Renders the whole `/metrics` body for a snapshot. */
export function renderMetrics(snap: AgentSnapshot, opts: ExportOptions): string {
  const w = new Writer();
  const node = escapeLabel(snap.nodeName);
  const dt = snap.intervalSeconds;
  const perSec = dt > 0 ? 1 / (dt * 1e6) : 0;
  const zoneSuffix = snap.zones.map((z) => `,zone="${escapeLabel(z.zone)}"`);

  if (opts.levels.has('node')) {
    const nodeZone = snap.zones.map((z) => `node_name="${node}",zone="${escapeLabel(z.zone)}",path="${escapeLabel(z.path)}"`);
    const fams: Array<[string, 'counter' | 'gauge', string, (i: number) => number]> = [
      [
        'kepler_node_cpu_joules_total',
        'counter',
        'Energy of the node CPU zone in joules since the agent started',
        (i) => snap.zones[i].totalUj / 1e6,
      ],
      [
        'kepler_node_cpu_active_joules_total',
        'counter',
        'Active (busy-ratio) part of the zone energy in joules',
        (i) => snap.zones[i].activeUj / 1e6,
      ],
      ['kepler_node_cpu_idle_joules_total', 'counter', 'Idle part of the zone energy in joules', (i) => snap.zones[i].idleUj / 1e6],
      ['kepler_node_cpu_watts', 'gauge', 'Power of the node CPU zone in watts over the last interval', (i) => snap.zones[i].deltaUj * perSec],
      ['kepler_node_cpu_active_watts', 'gauge', 'Active power of the zone in watts', (i) => snap.zones[i].activeDeltaUj * perSec],
      ['kepler_node_cpu_idle_watts', 'gauge', 'Idle power of the zone in watts', (i) => snap.zones[i].idleDeltaUj * perSec],
    ];
    for (const [name, type, help, val] of fams) {
      w.family(name, type, help);
      // a zone that measured nothing this interval (meter outage) has no power reading: no sample, not 0 W
      const gauge = type === 'gauge';
      for (let i = 0; i < snap.zones.length; i++) if (!(gauge && snap.zones[i].gap)) w.sample(name, nodeZone[i], val(i));
    }
    w.family('kepler_node_cpu_usage_ratio', 'gauge', 'CPU busy ratio of the node over the last interval (/proc/stat; iowait counts as idle)');
    w.sample('kepler_node_cpu_usage_ratio', `node_name="${node}"`, snap.busyRatio);
    if (opts.cpuInfo.length > 0) {
      w.family('kepler_node_cpu_info', 'gauge', 'Logical CPUs of the node (value 1)');
      for (const c of opts.cpuInfo) {
        w.sample(
          'kepler_node_cpu_info',
          `node_name="${node}",processor="${escapeLabel(c.processor)}",vendor_id="${escapeLabel(c.vendorId)}",model_name="${escapeLabel(c.modelName)}",physical_id="${escapeLabel(c.physicalId)}",core_id="${escapeLabel(c.coreId)}"`,
          1,
        );
      }
    }
    if (snap.gpus.length > 0) {
      const gl = snap.gpus.map(
        (g) => `node_name="${node}",gpu="${g.index}",gpu_uuid="${escapeLabel(g.uuid)}",gpu_name="${escapeLabel(g.name)}",vendor="nvidia"`,
      );
      const gf: Array<[string, 'counter' | 'gauge', string, (i: number) => number]> = [
        ['kepler_node_gpu_joules_total', 'counter', 'GPU energy in joules', (i) => snap.gpus[i].joulesTotal],
        ['kepler_node_gpu_active_joules_total', 'counter', 'GPU active energy in joules', (i) => snap.gpus[i].activeJoulesTotal],
        ['kepler_node_gpu_idle_joules_total', 'counter', 'GPU idle energy in joules', (i) => snap.gpus[i].idleJoulesTotal],
        ['kepler_node_gpu_watts', 'gauge', 'GPU power in watts', (i) => snap.gpus[i].watts],
        ['kepler_node_gpu_active_watts', 'gauge', 'GPU active power in watts', (i) => snap.gpus[i].activeWatts],
        ['kepler_node_gpu_idle_watts', 'gauge', 'GPU idle power in watts (lowest seen with no process)', (i) => snap.gpus[i].idleWatts],
        ['kepler_node_gpu_info', 'gauge', 'GPUs of the node (value 1)', () => 1],
      ];
      for (const [name, type, help, val] of gf) {
        w.family(name, type, help);
        for (let i = 0; i < snap.gpus.length; i++) w.sample(name, gl[i], val(i));
      }
      if (snap.gpus.some((g) => g.powerLimitWatts !== undefined)) {
        w.family('powerplane_gpu_power_limit_watts', 'gauge', 'The GPU board power limit in watts (NVML)');
        snap.gpus.forEach((g, i) => g.powerLimitWatts !== undefined && w.sample('powerplane_gpu_power_limit_watts', gl[i], g.powerLimitWatts));
      }
      if (snap.gpus.some((g) => g.instances?.some((x) => x.watts !== undefined))) {
        w.family('powerplane_gpu_instance_watts', 'gauge', 'Power of a MIG GPU instance in watts, where the driver reports it');
        for (const g of snap.gpus) {
          for (const x of g.instances ?? []) {
            if (x.watts !== undefined)
              w.sample(
                'powerplane_gpu_instance_watts',
                `node_name="${node}",gpu="${g.index}",gpu_uuid="${escapeLabel(g.uuid)}",gpu_instance="${x.id}",gpu_instance_uuid="${escapeLabel(x.uuid)}"`,
                x.watts,
              );
          }
        }
      }
    }
    if (snap.platform) {
      w.family('kepler_platform_watts', 'gauge', 'Platform (wall) power in watts');
      const l = snap.platform.labels;
      const platformLabels = [
        ['source', snap.platform.source],
        ['bmc_id', l?.bmcId],
        ['chassis_id', l?.chassisId],
        ['source_id', l?.sourceId],
        ['source_name', l?.sourceName],
        ['source_type', l?.sourceType],
      ];
      w.sample(
        'kepler_platform_watts',
        [`node_name="${node}"`, ...platformLabels.map(([k, v]) => `${k}="${escapeLabel(v ?? '')}"`)].join(','),
        snap.platform.watts,
      );
    }
  }
  w.family(
    'powerplane_node_power_source_info',
    'gauge',
    'The node meter in use, and with component="gpu" the GPU meter (nvml, nvidia-smi); estimated="true" marks model estimates (value 1)',
  );
  w.sample(
    'powerplane_node_power_source_info',
    `node_name="${node}",meter="${escapeLabel(snap.meter.name)}",estimated="${snap.meter.estimated}",model="${escapeLabel(snap.meter.model ?? '')}"`,
    1,
  );
  if (snap.gpuSource)
    w.sample(
      'powerplane_node_power_source_info',
      `node_name="${node}",meter="${escapeLabel(snap.gpuSource)}",estimated="false",model="",component="gpu"`,
      1,
    );

  for (const level of WORKLOAD_LEVELS) {
    if (!opts.levels.has(level)) continue;
    // the listed workloads, then the aggregate of the terminated ones no longer listed
    const rest = snap.remainders?.[level];
    const accounts = rest ? [...snap.workloads[level], rest.terminated] : snap.workloads[level];
    const what = LEVEL_HELP[level];
    const jName = `kepler_${level}_cpu_joules_total`;
    const wName = `kepler_${level}_cpu_watts`;
    w.family(jName, 'counter', `Active CPU energy of the ${what} in joules (its CPU-time share of node active energy)`);
    for (const a of accounts) {
      const base = baseLabels(a, node) + `,state="${a.state}"`;
      for (let z = 0; z < zoneSuffix.length; z++) w.sample(jName, base + zoneSuffix[z], a.energyUj[z] / 1e6);
    }
    w.family(wName, 'gauge', `Active CPU power of the ${what} in watts over the last interval`);
    for (const a of accounts) {
      if (a.state !== 'running') continue;
      const base = baseLabels(a, node) + `,state="running"`;
      for (let z = 0; z < zoneSuffix.length; z++) w.sample(wName, base + zoneSuffix[z], a.deltaUj[z] * perSec);
    }
    if (level === 'process' || level === 'container') {
      const sName = `kepler_${level}_cpu_seconds_total`;
      w.family(sName, 'counter', `CPU time of the ${what} in seconds`);
      for (const a of accounts)
        w.sample(sName, level === 'process' ? baseLabels(a, node) : baseLabels(a, node) + `,state="${a.state}"`, a.cpuSeconds);
    }
    if (level !== 'vm' && snap.gpus.length > 0) {
      const gj = `kepler_${level}_gpu_joules_total`;
      const gw = `kepler_${level}_gpu_watts`;
      w.family(gj, 'counter', `GPU energy of the ${what} in joules`);
      for (const a of accounts) if (a.gpuUj > 0) w.sample(gj, baseLabels(a, node) + `,state="${a.state}"`, a.gpuUj / 1e6);
      w.family(gw, 'gauge', `GPU power of the ${what} in watts`);
      for (const a of accounts) if (a.gpuWatts > 0) w.sample(gw, baseLabels(a, node) + `,state="${a.state}"`, a.gpuWatts);
      if (opts.idleFamilies && accounts.some((a) => a.gpuIdleUj > 0)) {
        const gi = `powerplane_${level}_gpu_idle_joules_total`;
        w.family(gi, 'counter', `Idle GPU energy attributed to the ${what} by attribution.idlePolicy, in joules (not part of Kepler's families)`);
        for (const a of accounts) if (a.gpuIdleUj > 0) w.sample(gi, baseLabels(a, node) + `,state="${a.state}"`, a.gpuIdleUj / 1e6);
      }
    }
    if (opts.idleFamilies) {
      const iName = `powerplane_${level}_idle_joules_total`;
      const withIdle = accounts.filter((a) => a.idleUj.length > 0);
      if (withIdle.length > 0) {
        w.family(iName, 'counter', `Idle CPU energy attributed to the ${what} by attribution.idlePolicy, in joules (not part of Kepler's families)`);
        for (const a of withIdle) {
          const base = baseLabels(a, node) + `,state="${a.state}"`;
          for (let z = 0; z < zoneSuffix.length; z++) w.sample(iName, base + zoneSuffix[z], a.idleUj[z] / 1e6);
        }
      }
    }
  }
  renderUnattributed(w, snap, opts, node, zoneSuffix);

  const b = opts.build;
  w.family('kepler_build_info', 'gauge', 'Build of the exporter (powerplane), value 1');
  w.sample(
    'kepler_build_info',
    `node_name="${node}",arch="${process.arch}",branch="${escapeLabel(b.branch)}",revision="${escapeLabel(b.revision)}",version="${escapeLabel(b.version)}",goversion="${process.version}"`,
    1,
  );
  const c = opts.counters;
  const self = `node_name="${node}"`;
  w.family(
    'powerplane_agent_refresh_duration_seconds',
    'gauge',
    'Duration of the last refresh without meter reads (procfs scan and attribution), seconds',
  );
  w.sample('powerplane_agent_refresh_duration_seconds', self, snap.refreshSeconds);
  w.family('powerplane_agent_refreshes_total', 'counter', 'Refreshes done');
  w.sample('powerplane_agent_refreshes_total', self, c.refreshes);
  w.family('powerplane_agent_refresh_errors_total', 'counter', 'Refreshes that failed');
  w.sample('powerplane_agent_refresh_errors_total', self, c.refreshErrors);
  w.family('powerplane_agent_processes_scanned', 'gauge', 'Processes read in the last refresh');
  w.sample('powerplane_agent_processes_scanned', self, snap.processesScanned);
  w.family('powerplane_agent_dropped_intervals_total', 'counter', 'Meter intervals dropped as implausible (counter reset, double wrap), per zone');
  for (const z of snap.zones)
    w.sample('powerplane_agent_dropped_intervals_total', `${self},zone="${escapeLabel(z.zone)}"`, c.dropped.get(z.zone) ?? 0);
  w.family(
    'powerplane_meter_read_errors_total',
    'counter',
    'Meter intervals with no energy per zone and reason: missing, unreadable, garbage (the counter file), implausible (more power than the zone can draw), reset (the counter went back)',
  );
  for (const [key, n] of c.meterErrors) {
    const sep = key.indexOf('\0');
    w.sample('powerplane_meter_read_errors_total', `${self},zone="${escapeLabel(key.slice(0, sep))}",reason="${key.slice(sep + 1)}"`, n);
  }
  w.family('powerplane_meter_zone_up', 'gauge', "Whether the zone's energy counters were read in the last refresh (1) or not (0)");
  for (const z of snap.zones)
    w.sample('powerplane_meter_zone_up', `${self},zone="${escapeLabel(z.zone)}",path="${escapeLabel(z.path)}"`, z.up ? 1 : 0);
  w.family('powerplane_last_refresh_timestamp_seconds', 'gauge', 'Unix time of the last successful refresh, seconds');
  w.sample('powerplane_last_refresh_timestamp_seconds', self, snap.timestamp / 1000);
  if (snap.gpuSource) {
    w.family(
      'powerplane_agent_gpu_dropped_intervals_total',
      'counter',
      'GPU intervals left out (energy counter reset or wrap, implausible jump, GPU lost, failed read), per GPU and reason',
    );
    for (const [key, n] of c.gpuDropped) {
      const [gpu, reason] = key.split('\0');
      w.sample('powerplane_agent_gpu_dropped_intervals_total', `${self},gpu="${gpu}",reason="${reason}"`, n);
    }
  }
  w.family('powerplane_agent_scrape_errors_total', 'counter', 'Scrapes answered with an error');
  w.sample('powerplane_agent_scrape_errors_total', self, c.scrapeErrors);
  w.family('powerplane_agent_containers_without_pod', 'gauge', 'Containers of the last refresh whose pod is unknown');
  w.sample('powerplane_agent_containers_without_pod', self, snap.containersWithoutPod);
  w.family('powerplane_agent_terminated_workloads', 'gauge', 'Terminated workloads still exported, per level');
  for (const level of ['process', 'container', 'pod', 'vm'] as const) {
    w.sample(
      'powerplane_agent_terminated_workloads',
      `${self},level="${level}"`,
      snap.workloads[level].filter((a) => a.state === 'terminated').length,
    );
  }
  return w.text();
}
