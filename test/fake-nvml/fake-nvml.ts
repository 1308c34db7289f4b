/**
 * @module test/fake-nvml
 * Test helper: compiles `fake-nvml.c` into a `libnvidia-ml.so.1` with gcc (once per source version,
 * cached in the temp directory) and writes its control file, so tests drive the agent's real FFI path
 * (koffi → dlopen → NVML calls) with chosen counters, processes, MIG layouts and errors.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'fake-nvml.c');

/** Compiles the fake library (cached by source hash); returns the path of `libnvidia-ml.so.1`. */
export async function buildFakeNvml(): Promise<string> {
  const src = await readFile(SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `powerplane-fake-nvml-${hash}`);
  const lib = join(dir, 'libnvidia-ml.so.1');
  if (existsSync(lib)) return lib;
  await mkdir(dir, { recursive: true });
  const tmp = `${lib}.${process.pid}.tmp`;
  await promisify(execFile)('gcc', ['-shared', '-fPIC', '-O1', '-Wall', '-Werror', '-o', tmp, SOURCE]);
  await rename(tmp, lib);
  return lib;
}

/** One compute process on a (physical or MIG) device; `sm` undefined: no utilization sample. */
export interface FakeProc {
  pid: number;
  bytes?: number;
  sm?: number;
}

/** One device in the control file (ids 0..count-1 physical, others MIG devices). */
export interface FakeDevice {
  uuid?: string;
  name?: string;
  /** mJ counter. */
  energy?: number;
  /** mW: the counter also grows at this rate (CLOCK_MONOTONIC seconds). */
  energyRate?: number;
  /** mW. */
  power?: number;
  limit?: number;
  constraints?: [number, number];
  defaultLimit?: number;
  migMode?: 0 | 1;
  maxMig?: number;
  gi?: number;
  /** Timestamp (µs) of utilization samples; 0: now (new samples at every call). */
  utilTs?: number;
  /** Error codes per call (`energy`, `power`, `procs`, `util`, …, or `all`). */
  err?: Record<string, number>;
  procs?: FakeProc[];
  /** MIG device ids by slot. */
  mig?: number[];
}

/** The whole control file. */
export interface FakeNvmlState {
  init?: number;
  count: number;
  devices: Record<number, FakeDevice>;
}

/** Serializes a state into control-file directives. Pure. */
export function controlText(s: FakeNvmlState): string {
  const out: string[] = [`count ${s.count}`];
  if (s.init) out.push(`init ${s.init}`);
  for (const [idText, d] of Object.entries(s.devices)) {
    const id = Number(idText);
    const kv: Array<[string, unknown]> = [
      ['uuid', d.uuid],
      ['name', d.name],
      ['energy', d.energy],
      ['energyrate', d.energyRate],
      ['power', d.power],
      ['limit', d.limit],
      ['constraints', d.constraints?.join(' ')],
      ['defaultlimit', d.defaultLimit],
      ['migmode', d.migMode],
      ['maxmig', d.maxMig],
      ['gi', d.gi],
      ['utilts', d.utilTs],
    ];
    for (const [k, v] of kv) if (v !== undefined) out.push(`dev ${id} ${k} ${v}`);
    for (const [what, code] of Object.entries(d.err ?? {})) out.push(`dev ${id} err ${what} ${code}`);
    for (const p of d.procs ?? []) out.push(`proc ${id} ${p.pid} ${p.bytes ?? 0} ${p.sm ?? -1}`);
    (d.mig ?? []).forEach((m, slot) => out.push(`mig ${id} ${slot} ${m}`));
  }
  return out.join('\n') + '\n';
}

/** A fake NVML: the library path, its control file (set in `FAKE_NVML_CONTROL`), and its state log. */
export class FakeNvml {
  private constructor(
    readonly library: string,
    readonly controlFile: string,
  ) {}

  /** Builds the library, creates `dir` if needed, and points `FAKE_NVML_CONTROL` at `<dir>/nvml-control` (written from `state`). */
  static async create(dir: string, state: FakeNvmlState): Promise<FakeNvml> {
    await mkdir(dir, { recursive: true });
    const f = new FakeNvml(await buildFakeNvml(), join(dir, 'nvml-control'));
    await rm(`${f.controlFile}.state`, { force: true });
    await f.write(state);
    process.env.FAKE_NVML_CONTROL = f.controlFile;
    return f;
  }

  /** Replaces the control file (atomically: the library re-reads it at every call). */
  async write(state: FakeNvmlState): Promise<void> {
    await writeFile(`${this.controlFile}.tmp`, controlText(state));
    await rename(`${this.controlFile}.tmp`, this.controlFile);
  }

  /** Lines the library appended: `limit <id> <mW>` per set limit, `shutdown` per nvmlShutdown. */
  async log(): Promise<string[]> {
    const text = await readFile(`${this.controlFile}.state`, 'utf8').catch(() => '');
    return text.split('\n').filter((l) => l !== '');
  }
}
