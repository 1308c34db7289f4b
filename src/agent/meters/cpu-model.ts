/**
 * @module agent/meters/cpu-model
 * Identifies the CPU from `/proc/cpuinfo` and maps it to a CCF micro-architecture: first by the CCF
 * model lists (longest whole-word match), then by model-number patterns for CPUs newer than the lists
 * (Xeon Scalable generation digit, Xeon E3/E5/E7 `vN`, EPYC last digit), and on ARM by the Neoverse
 * part number of AWS Graviton. Pure functions.
 */
import { CCF_ARCHITECTURES, CCF_GENERIC, type CcfArchitecture } from './ccf-table.js';

/** What the model meter needs from `/proc/cpuinfo`. */
export interface CpuInfo {
  /** `model name` of the first processor (x86), if any. */
  modelName?: string;
  /** Number of `processor` entries (logical CPUs, vCPUs on a VM). */
  processors: number;
  /** ARM `CPU part`, e.g. `0xd0c`. */
  cpuPart?: string;
  /** ARM `CPU implementer`, e.g. `0x41`. */
  cpuImplementer?: string;
}

/** Parses `/proc/cpuinfo` text. */
export function summarizeCpuInfo(text: string): CpuInfo {
  const info: CpuInfo = { processors: 0 };
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === 'processor' && /^\d+$/.test(value)) info.processors++;
    else if (key === 'model name' && info.modelName === undefined && value !== '') info.modelName = value;
    else if (key === 'cpu part' && info.cpuPart === undefined) info.cpuPart = value.toLowerCase();
    else if (key === 'cpu implementer' && info.cpuImplementer === undefined) info.cpuImplementer = value.toLowerCase();
  }
  return info;
}

/** Strips trademarks, `CPU`, `Processor` and the clock from a model name. */
export function normalizeModelName(name: string): string {
  return name
    .replace(/\((R|TM|C)\)/gi, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\b(CPU|Processor)\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const byId = new Map(CCF_ARCHITECTURES.map((a) => [a.id, a]));
/** The CCF model names, lower case (plain strings: 1,500 regular expressions took ~0.1 s to compile at start-up). */
const listModels = CCF_ARCHITECTURES.flatMap((a) => a.models.map((m) => ({ arch: a, model: m.toLowerCase() })));

/**
 * Whether `word` occurs in `text` as a whole word: preceded by the start, a space or `-`, and followed
 * by the end or a space (`text` is a normalized model name, whose only whitespace is single spaces).
 */
export function hasWholeWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    const before = i === 0 || text[i - 1] === ' ' || text[i - 1] === '-';
    const end = i + word.length;
    if (before && (end === text.length || text[end] === ' ')) return true;
  }
  return false;
}

const XEON_SCALABLE_GENERATION: Record<string, string> = {
  '1': 'intel-skylake',
  '2': 'intel-cascadelake',
  '3': 'intel-icelake',
  '4': 'intel-sapphirerapids',
  '5': 'intel-emeraldrapids',
};
const XEON_VERSION: Record<string, string> = {
  '2': 'intel-ivybridge',
  '3': 'intel-haswell',
  '4': 'intel-broadwell',
  '5': 'intel-skylake',
  '6': 'intel-skylake',
};
const EPYC_GENERATION: Record<string, string> = {
  '1': 'amd-epyc-gen1',
  '2': 'amd-epyc-gen2',
  '3': 'amd-epyc-gen3',
  '4': 'amd-epyc-gen4',
  '5': 'amd-epyc-gen5',
};
/** ARM Neoverse parts (implementer 0x41) of AWS Graviton generations. */
const ARM_PARTS: Record<string, string> = { '0xd0c': 'aws-graviton2', '0xd40': 'aws-graviton3', '0xd4f': 'aws-graviton4' };

function byPattern(model: string): string | undefined {
  let m = /\b(?:Platinum|Gold|Silver|Bronze)\s+\d(\d)\d\d/i.exec(model);
  if (m) return XEON_SCALABLE_GENERATION[m[1]];
  m = /\bE[357]-\d{4}[A-Z]*(?:\s+v(\d))?\b/i.exec(model);
  if (m) return m[1] === undefined ? 'intel-sandybridge' : XEON_VERSION[m[1]];
  m = /\bEPYC\s+\d[0-9A-Z]{2}(\d)/i.exec(model);
  if (m) return EPYC_GENERATION[m[1]];
  return undefined;
}

/** The CCF micro-architecture of a CPU, or undefined when unknown. */
export function classifyCpu(info: CpuInfo): CcfArchitecture | undefined {
  if (info.modelName) {
    const model = normalizeModelName(info.modelName);
    const lower = model.toLowerCase();
    let best: { arch: CcfArchitecture; len: number } | undefined;
    for (const p of listModels) {
      if (p.model.length > (best?.len ?? 0) && hasWholeWord(lower, p.model)) best = { arch: p.arch, len: p.model.length };
    }
    if (best) return best.arch;
    const id = byPattern(model);
    if (id) return byId.get(id);
  }
  if (info.cpuPart && (info.cpuImplementer === undefined || info.cpuImplementer === '0x41')) {
    const id = ARM_PARTS[info.cpuPart];
    if (id) return byId.get(id);
  }
  return undefined;
}

/** A node power curve from CCF: watts at 0% and 100% CPU for this many vCPUs. */
export interface CcfCurve {
  /** Micro-architecture id, or `generic`. */
  id: string;
  vcpus: number;
  idleWatts: number;
  maxWatts: number;
}

/** The CCF curve of a CPU: vCPUs × min/max watts per vCPU of its micro-architecture (generic when unknown). */
export function ccfCurve(info: CpuInfo, fallbackCpus: number): CcfCurve {
  const vcpus = info.processors > 0 ? info.processors : Math.max(1, fallbackCpus);
  const arch = classifyCpu(info) ?? CCF_GENERIC;
  return { id: arch.id, vcpus, idleWatts: vcpus * arch.minWatts, maxWatts: vcpus * arch.maxWatts };
}
