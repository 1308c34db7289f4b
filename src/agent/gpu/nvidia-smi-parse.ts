/**
 * @module agent/gpu/nvidia-smi-parse
 * Pure parsers of nvidia-smi output: `--query-gpu=index,uuid,name,power.draw,utilization.gpu`,
 * `--query-compute-apps=pid,gpu_uuid,used_memory` (both `--format=csv,noheader,nounits`) and
 * `pmon -c 1 -s u` (per-process SM %). Values nvidia-smi cannot give (`[N/A]`, `[Not Supported]`,
 * `-`) become undefined.
 */

/** The arguments of the device query. */
export const GPU_QUERY_ARGS = ['--query-gpu=index,uuid,name,power.draw,utilization.gpu', '--format=csv,noheader,nounits'];
/** The arguments of the compute-process query. */
export const APPS_QUERY_ARGS = ['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits'];
/** The arguments of one process-monitor sample with SM utilisation. */
export const PMON_ARGS = ['pmon', '-c', '1', '-s', 'u'];

/** One row of the device query. */
export interface GpuRow {
  index: number;
  uuid: string;
  name: string;
  /** Watts, undefined when the board does not report power. */
  watts?: number;
  /** GPU utilisation in [0,1]. */
  utilization?: number;
}

/** One row of the compute-process query. */
export interface ComputeAppRow {
  pid: number;
  gpuUuid: string;
  usedMemoryMiB?: number;
}

/** One row of `pmon`. */
export interface PmonRow {
  gpuIndex: number;
  pid: number;
  /** `C` (compute), `G` (graphics), `C+G`. */
  type: string;
  /** SM utilisation in [0,1]. */
  sm?: number;
}

/** A number field, or undefined for `[N/A]`, `[Not Supported]`, `-` and the like. */
function optionalNumber(field: string): number | undefined {
  const t = field.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Parses the device query; throws naming the line when a row is malformed (index and uuid are required). */
export function parseGpuQuery(text: string): GpuRow[] {
  return lines(text).map((line, i) => {
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 5) throw new Error(`nvidia-smi --query-gpu line ${i + 1}: expected 5 fields, got ${f.length}: ${line.slice(0, 120)}`);
    const index = optionalNumber(f[0]);
    if (index === undefined || !Number.isInteger(index) || index < 0)
      throw new Error(`nvidia-smi --query-gpu line ${i + 1}: bad index ${JSON.stringify(f[0])}`);
    const util = optionalNumber(f[f.length - 1]);
    const watts = optionalNumber(f[f.length - 2]);
    return {
      index,
      uuid: f[1],
      name: f.slice(2, f.length - 2).join(', '),
      ...(watts !== undefined && watts >= 0 ? { watts } : {}),
      ...(util !== undefined ? { utilization: Math.min(1, Math.max(0, util / 100)) } : {}),
    };
  });
}

/** Parses the compute-process query; rows without a numeric pid (e.g. `[N/A]` in some containers) are skipped. */
export function parseComputeApps(text: string): ComputeAppRow[] {
  const rows: ComputeAppRow[] = [];
  for (const line of lines(text)) {
    if (/^No running/i.test(line)) continue;
    const f = line.split(',').map((s) => s.trim());
    const pid = optionalNumber(f[0] ?? '');
    if (pid === undefined || !Number.isInteger(pid) || pid <= 0 || f.length < 2) continue;
    const mem = optionalNumber(f[2] ?? '');
    rows.push({ pid, gpuUuid: f[1], ...(mem !== undefined ? { usedMemoryMiB: mem } : {}) });
  }
  return rows;
}

/** Parses `nvidia-smi pmon -c 1 -s u` by its header (columns differ across driver versions). */
export function parsePmon(text: string): PmonRow[] {
  let columns: string[] | undefined;
  const rows: PmonRow[] = [];
  for (const line of lines(text)) {
    if (line.startsWith('#')) {
      columns ??= line
        .slice(1)
        .trim()
        .split(/\s+/)
        .map((c) => c.toLowerCase());
      continue;
    }
    if (!columns) continue;
    const f = line.split(/\s+/);
    const at = (name: string) => {
      const i = columns!.indexOf(name);
      return i < 0 ? undefined : f[i];
    };
    const gpuIndex = optionalNumber(at('gpu') ?? '');
    const pid = optionalNumber(at('pid') ?? '');
    if (gpuIndex === undefined || pid === undefined || pid <= 0) continue;
    const sm = optionalNumber(at('sm') ?? '');
    rows.push({ gpuIndex, pid, type: at('type') ?? '', ...(sm !== undefined ? { sm: Math.min(1, Math.max(0, sm / 100)) } : {}) });
  }
  return rows;
}
