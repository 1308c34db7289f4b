/**
 * @module models/features
 * Named feature groups: ordered feature lists that a model is trained on and records exactly.
 *
 * Two families live here:
 * - powerplane's own groups, for what the node agent observes (CPU time per second, the `/proc/stat`
 *   busy ratio and its split, CPU frequency, memory, I/O);
 * - Kepler's groups and feature names (kepler-model-server at 3829b62, plus the legacy `CgroupOnly` and
 *   `KubeletOnly` groups), so Kepler training data and weight files load unchanged. Kepler stores each
 *   group sorted alphabetically, and that sorted order is the column order of its weight files.
 *
 * The agent's CPU time per second, in milliseconds, is the feature `bpf_cpu_time_ms` (Kepler's name for
 * the same quantity), so a Kepler `BPFOnly` model applies to powerplane's measurements directly.
 */
import { ERR_MODEL_BAD_FEATURES } from './errors.js';

/** Kepler's hardware-counter features. */
const KEPLER_COUNTER = ['cache_miss', 'cpu_cycles', 'cpu_instructions'];
/** Kepler's eBPF features. */
const KEPLER_BPF = ['bpf_cpu_time_ms', 'bpf_page_cache_hit'];
/** Kepler's IRQ features. */
const KEPLER_IRQ = ['bpf_block_irq', 'bpf_net_rx_irq', 'bpf_net_tx_irq'];
/** Kepler's accelerator features. */
const KEPLER_ACCELERATOR = ['accelerator_intel_qat'];
/** Kepler's system (categorical) features. */
const KEPLER_SYSTEM = ['node_info', 'cpu_scaling_frequency_hertz'];
/** Kepler's legacy cgroup features (removed upstream in 2024). */
const KEPLER_CGROUP = ['cgroupfs_cpu_usage_us', 'cgroupfs_memory_usage_bytes', 'cgroupfs_system_cpu_usage_us', 'cgroupfs_user_cpu_usage_us'];
/** Kepler's legacy kubelet features. */
const KEPLER_KUBELET = ['kubelet_cpu_usage', 'kubelet_memory_bytes'];

const sorted = (xs: string[]): string[] => [...xs].sort();

/** The `/proc/stat` split as fractions of all CPU time over the interval (each in [0,1]). */
const PROC_STAT_SPLIT = [
  'cpu_user_ratio',
  'cpu_nice_ratio',
  'cpu_system_ratio',
  'cpu_iowait_ratio',
  'cpu_irq_ratio',
  'cpu_softirq_ratio',
  'cpu_steal_ratio',
];

/**
 * Feature group name → ordered feature list. Kepler's groups keep Kepler's (sorted) order; powerplane's
 * groups list the main feature first.
 */
export const FEATURE_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  // ---- powerplane's own groups (what the agent observes) ----
  /** CPU time per second (ms/s) summed over all processes. */
  CPUTime: ['bpf_cpu_time_ms'],
  /** The `/proc/stat` busy ratio in [0,1]. */
  CPUBusy: ['cpu_busy_ratio'],
  /** CPU time now and in the previous interval (power lags CPU time; see `withPreviousInterval`). */
  CPUTimeHistory: ['bpf_cpu_time_ms', 'bpf_cpu_time_ms_prev'],
  /** CPU time and busy ratio together. */
  CPUUsage: ['bpf_cpu_time_ms', 'cpu_busy_ratio'],
  /** The `/proc/stat` split (user, nice, system, iowait, irq, softirq, steal ratios). */
  ProcStat: ['cpu_busy_ratio', ...PROC_STAT_SPLIT],
  /** CPU time with the average scaling frequency. */
  CPUTimeFrequency: ['bpf_cpu_time_ms', 'cpu_frequency_hz'],
  /** Everything the agent can observe on a node without hardware counters. */
  NodeFull: [
    'bpf_cpu_time_ms',
    'cpu_busy_ratio',
    ...PROC_STAT_SPLIT,
    'cpu_frequency_hz',
    'memory_used_ratio',
    'disk_io_bytes_per_second',
    'network_bytes_per_second',
  ],
  // ---- Kepler's groups (sorted, as Kepler stores them) ----
  Full: sorted([...KEPLER_COUNTER, ...KEPLER_BPF, ...KEPLER_IRQ, ...KEPLER_ACCELERATOR, ...KEPLER_SYSTEM]),
  WorkloadOnly: sorted([...KEPLER_COUNTER, ...KEPLER_BPF, ...KEPLER_IRQ, ...KEPLER_ACCELERATOR]),
  CounterOnly: sorted(KEPLER_COUNTER),
  BPFOnly: sorted(KEPLER_BPF),
  CounterIRQCombined: sorted([...KEPLER_IRQ, ...KEPLER_COUNTER]),
  Basic: sorted([...KEPLER_COUNTER, ...KEPLER_BPF]),
  BPFIRQ: sorted([...KEPLER_BPF, ...KEPLER_IRQ]),
  AcceleratorOnly: [...KEPLER_ACCELERATOR],
  CgroupOnly: sorted(KEPLER_CGROUP),
  KubeletOnly: sorted(KEPLER_KUBELET),
});

/** Kepler's categorical features (their values are category labels, not magnitudes). */
export const CATEGORICAL_FEATURES: ReadonlySet<string> = new Set(KEPLER_SYSTEM);

/** Older Kepler feature names and the current name they stand for (same unit in the published data). */
export const FEATURE_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  bpf_cpu_time_us: 'bpf_cpu_time_ms',
  cpu_time: 'bpf_cpu_time_ms',
});

/** Every feature name that some group lists. */
export const KNOWN_FEATURES: ReadonlySet<string> = new Set(Object.values(FEATURE_GROUPS).flat());

/** Features, in preference order, that a single-feature model (a curve fit, the ratio model) uses. */
const MAIN_FEATURES = [
  'bpf_cpu_time_ms',
  'cpu_busy_ratio',
  'cpu_instructions',
  'cpu_cycles',
  'cache_miss',
  'cgroupfs_cpu_usage_us',
  'kubelet_cpu_usage',
];

/**
 * The feature a single-feature model uses: the first of Kepler's/powerplane's main features present in
 * `features` (CPU time, then busy ratio, then instructions …), else the first feature.
 */
export function mainFeature(features: readonly string[]): string {
  if (features.length === 0) throw ERR_MODEL_BAD_FEATURES('a model needs at least one feature', { field: 'features' });
  return MAIN_FEATURES.find((f) => features.includes(f)) ?? features[0];
}

const FEATURE_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Resolves a feature group name (e.g. `BPFOnly`, case-insensitive), a comma-separated list
 * (`bpf_cpu_time_ms,cpu_busy_ratio`) or an array of names into an ordered, duplicate-free feature list.
 * @throws PP_MODEL_BAD_FEATURES for an empty list, a duplicate or an invalid name.
 */
export function resolveFeatures(groupOrList: string | readonly string[]): string[] {
  let names: string[];
  if (typeof groupOrList === 'string') {
    const trimmed = groupOrList.trim();
    const group = Object.keys(FEATURE_GROUPS).find((g) => g.toLowerCase() === trimmed.toLowerCase());
    if (group) return [...FEATURE_GROUPS[group]];
    names = trimmed
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  } else {
    names = [...groupOrList];
  }
  if (names.length === 0) throw ERR_MODEL_BAD_FEATURES('the feature list is empty', { field: 'features' });
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || !FEATURE_NAME.test(n)) {
      throw ERR_MODEL_BAD_FEATURES(`invalid feature name ${JSON.stringify(n)} (not a known group nor a valid column name)`, { field: 'features' });
    }
    if (seen.has(n)) throw ERR_MODEL_BAD_FEATURES(`feature ${n} is listed twice`, { field: 'features' });
    seen.add(n);
  }
  return names;
}

/** The names of the groups whose whole feature list is contained in `available` (Kepler's "valid groups"). */
export function validGroups(available: readonly string[]): string[] {
  const have = new Set(available);
  return Object.entries(FEATURE_GROUPS)
    .filter(([, fs]) => fs.every((f) => have.has(f)))
    .map(([g]) => g);
}
