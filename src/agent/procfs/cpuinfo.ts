/**
 * @module agent/procfs/cpuinfo
 * `/proc/cpuinfo` parsed into the labels of `kepler_node_cpu_info`.
 */

/** One logical CPU. */
export interface CpuInfoEntry {
  processor: string;
  vendorId: string;
  modelName: string;
  physicalId: string;
  coreId: string;
}

/** Parses `/proc/cpuinfo` text (blocks separated by blank lines). Pure; tolerant of missing keys. */
export function parseCpuInfo(text: string): CpuInfoEntry[] {
  const out: CpuInfoEntry[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const kv = new Map<string, string>();
    for (const line of block.split('\n')) {
      const i = line.indexOf(':');
      if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
    if (!kv.has('processor')) continue;
    out.push({
      processor: kv.get('processor') ?? '',
      vendorId: kv.get('vendor_id') ?? kv.get('CPU implementer') ?? '',
      modelName: kv.get('model name') ?? kv.get('Model') ?? '',
      physicalId: kv.get('physical id') ?? '0',
      coreId: kv.get('core id') ?? kv.get('processor') ?? '',
    });
  }
  return out;
}
