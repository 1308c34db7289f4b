/**
 * @module models/parsers/ccf-instances
 * The Teads/Cloud Carbon Footprint AWS instance table (`ccf-coefficients: data/aws-instances.csv`,
 * Apache-2.0): per instance type, package, RAM, GPU and whole-instance watts at 0 (idle), 10, 50 and
 * 100 % CPU load, with decimal commas in quoted fields. Each instance becomes a 4-point power curve.
 */
import type { Dataset } from '../types.js';
import { columnIndices, numericCell, parseCsv } from './csv.js';

/** Load points of the table, as CPU busy ratios. */
export const CCF_LOAD_POINTS: readonly number[] = Object.freeze([0, 0.1, 0.5, 1]);

/** One instance type's power curve. */
export interface CcfInstanceCurve {
  instance: string;
  vcpu: number;
  platformVcpu: number;
  cpu: string;
  memoryGb: number;
  /** Watts at each of {@link CCF_LOAD_POINTS}. */
  package: number[];
  dram: number[];
  gpu: number[];
  /** Whole instance (package + RAM + GPU + its share of the rest of the machine). */
  instanceWatts: number[];
}

const LOADS = ['Idle', '10%', '50%', '100%'];

/**
 * Parses the CCF AWS instance table.
 * @throws PP_MALFORMED_FILE (path, line) for a missing column or a non-numeric watt cell.
 */
export function parseCcfInstances(text: string, path = 'aws-instances.csv'): CcfInstanceCurve[] {
  const table = parseCsv(text, path);
  const [name, vcpu, pvcpu, cpu, mem] = columnIndices(
    table,
    ['Instance type', 'Instance vCPU', 'Platform Total Number of vCPU', 'Platform CPU Name', 'Instance Memory (in GB)'],
    path,
  );
  const cols = (prefix: string) =>
    columnIndices(
      table,
      LOADS.map((l) => `${prefix} @ ${l}`),
      path,
    );
  const pkg = cols('PkgWatt');
  const ram = cols('RAMWatt');
  const gpu = cols('GPUWatt');
  const inst = cols('Instance');
  return table.rows.map((r) => {
    const num = (j: number) => numericCell(table, r, j, path, true);
    return {
      instance: r.cells[name].trim(),
      vcpu: num(vcpu),
      platformVcpu: num(pvcpu),
      cpu: r.cells[cpu].trim(),
      memoryGb: num(mem),
      package: pkg.map(num),
      dram: ram.map(num),
      gpu: gpu.map(num),
      instanceWatts: inst.map(num),
    };
  });
}

/** One instance's curve as a data set: feature `cpu_busy_ratio`, components package, dram, platform (whole instance). */
export function ccfCurveDataset(c: CcfInstanceCurve): Dataset {
  return {
    features: ['cpu_busy_ratio'],
    components: ['package', 'dram', 'platform'],
    X: CCF_LOAD_POINTS.map((l) => [l]),
    Y: CCF_LOAD_POINTS.map((_, i) => [c.package[i], c.dram[i], c.instanceWatts[i]]),
    groups: CCF_LOAD_POINTS.map(() => c.instance),
  };
}
