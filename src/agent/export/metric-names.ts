/**
 * @module agent/export/metric-names
 * Every metric family the node agent can export, by level. Kepler v0.10+ families keep Kepler's names
 * so existing dashboards and queries work; project-own families use the `powerplane_` prefix.
 * The dashboard engineer validates Grafana dashboards against {@link EXPORTED_METRIC_NAMES}.
 */

/** Node CPU energy and power (`zone`, `path`), usage ratio and CPU info. */
export const NODE_METRIC_NAMES = [
  'kepler_node_cpu_joules_total',
  'kepler_node_cpu_watts',
  'kepler_node_cpu_active_joules_total',
  'kepler_node_cpu_active_watts',
  'kepler_node_cpu_idle_joules_total',
  'kepler_node_cpu_idle_watts',
  'kepler_node_cpu_usage_ratio',
  'kepler_node_cpu_info',
  'kepler_node_gpu_joules_total',
  'kepler_node_gpu_watts',
  'kepler_node_gpu_active_joules_total',
  'kepler_node_gpu_active_watts',
  'kepler_node_gpu_idle_joules_total',
  'kepler_node_gpu_idle_watts',
  'kepler_node_gpu_info',
  'powerplane_gpu_power_limit_watts',
  'powerplane_gpu_instance_watts',
  'kepler_platform_watts',
  'powerplane_node_power_source_info',
] as const;

/** Process level (opt-in with `--metrics process`). */
export const PROCESS_METRIC_NAMES = [
  'kepler_process_cpu_joules_total',
  'kepler_process_cpu_watts',
  'kepler_process_cpu_seconds_total',
  'kepler_process_gpu_joules_total',
  'kepler_process_gpu_watts',
  'powerplane_process_gpu_idle_joules_total',
  'powerplane_process_idle_joules_total',
] as const;

/** Container level. */
export const CONTAINER_METRIC_NAMES = [
  'kepler_container_cpu_joules_total',
  'kepler_container_cpu_watts',
  'kepler_container_cpu_seconds_total',
  'kepler_container_gpu_joules_total',
  'kepler_container_gpu_watts',
  'powerplane_container_gpu_idle_joules_total',
  'powerplane_container_idle_joules_total',
] as const;

/** Pod level. */
export const POD_METRIC_NAMES = [
  'kepler_pod_cpu_joules_total',
  'kepler_pod_cpu_watts',
  'kepler_pod_gpu_joules_total',
  'kepler_pod_gpu_watts',
  'powerplane_pod_gpu_idle_joules_total',
  'powerplane_pod_idle_joules_total',
] as const;

/** VM level. */
export const VM_METRIC_NAMES = ['kepler_vm_cpu_joules_total', 'kepler_vm_cpu_watts', 'powerplane_vm_idle_joules_total'] as const;

/** Per exported workload level (`level` label): energy no workload of the level owns. */
export const UNATTRIBUTED_METRIC_NAMES = ['powerplane_unattributed_cpu_joules_total', 'powerplane_unattributed_idle_joules_total'] as const;

/** Agent self-metrics and build info: always exported. */
export const SELF_METRIC_NAMES = [
  'kepler_build_info',
  'powerplane_agent_refresh_duration_seconds',
  'powerplane_agent_refreshes_total',
  'powerplane_agent_processes_scanned',
  'powerplane_agent_dropped_intervals_total',
  'powerplane_agent_gpu_dropped_intervals_total',
  'powerplane_agent_scrape_errors_total',
  'powerplane_agent_refresh_errors_total',
  'powerplane_agent_containers_without_pod',
  'powerplane_agent_terminated_workloads',
  'powerplane_last_refresh_timestamp_seconds',
  'powerplane_meter_zone_up',
  'powerplane_meter_read_errors_total',
] as const;

/** Every family name the agent can export. */
export const EXPORTED_METRIC_NAMES: readonly string[] = [
  ...NODE_METRIC_NAMES,
  ...PROCESS_METRIC_NAMES,
  ...CONTAINER_METRIC_NAMES,
  ...POD_METRIC_NAMES,
  ...VM_METRIC_NAMES,
  ...UNATTRIBUTED_METRIC_NAMES,
  ...SELF_METRIC_NAMES,
];
