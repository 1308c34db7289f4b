/**
 * @module agent/gpu/nvml-koffi
 * {@link NvmlApi} over `libnvidia-ml.so.1`, loaded with `dlopen` through koffi (a prebuilt FFI addon
 * shipped in its npm package). Arrays of NVML structs are passed as Buffers and decoded by their
 * nvml.h layouts (`nvmlProcessInfo_v2_t`: 24 bytes; `nvmlProcessUtilizationSample_t`: 32 bytes), and
 * 64-bit counters are read as bigint so the mJ energy counter keeps every bit.
 */
import { NVML, NvmlCallError } from './nvml-codes.js';
import type { NvmlApi, NvmlHandle, NvmlProcess, NvmlUtilSample } from './nvml-api.js';

type Koffi = typeof import('koffi');
type Fn = (...args: unknown[]) => number;

const PROCESS_INFO_SIZE = 24;
const UTIL_SAMPLE_SIZE = 32;
const TEXT_SIZE = 96;
/** `gpuInstanceId` of a process outside MIG. */
const NO_INSTANCE = 0xffffffff;

let deviceType: unknown;

/** Registers the opaque handle type once per process (koffi type names are global). */
function handleType(koffi: Koffi): unknown {
  deviceType ??= koffi.pointer('nvmlDevice_t', koffi.opaque('nvmlDevice_st'));
  return deviceType;
}

const PROTOTYPES = {
  nvmlInit_v2: 'int nvmlInit_v2()',
  nvmlShutdown: 'int nvmlShutdown()',
  nvmlErrorString: 'const char *nvmlErrorString(int result)',
  nvmlDeviceGetCount_v2: 'int nvmlDeviceGetCount_v2(_Out_ unsigned int *count)',
  nvmlDeviceGetHandleByIndex_v2: 'int nvmlDeviceGetHandleByIndex_v2(unsigned int index, _Out_ nvmlDevice_t *device)',
  nvmlDeviceGetUUID: 'int nvmlDeviceGetUUID(nvmlDevice_t device, void *uuid, unsigned int length)',
  nvmlDeviceGetName: 'int nvmlDeviceGetName(nvmlDevice_t device, void *name, unsigned int length)',
  nvmlDeviceGetTotalEnergyConsumption: 'int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, void *energy)',
  nvmlDeviceGetPowerUsage: 'int nvmlDeviceGetPowerUsage(nvmlDevice_t device, _Out_ unsigned int *power)',
  nvmlDeviceGetPowerManagementLimit: 'int nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, _Out_ unsigned int *limit)',
  nvmlDeviceGetPowerManagementLimitConstraints:
    'int nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, _Out_ unsigned int *minLimit, _Out_ unsigned int *maxLimit)',
  nvmlDeviceGetPowerManagementDefaultLimit: 'int nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, _Out_ unsigned int *defaultLimit)',
  nvmlDeviceSetPowerManagementLimit: 'int nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit)',
  nvmlDeviceGetComputeRunningProcesses_v3:
    'int nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, _Inout_ unsigned int *infoCount, void *infos)',
  nvmlDeviceGetProcessUtilization:
    'int nvmlDeviceGetProcessUtilization(nvmlDevice_t device, void *utilization, _Inout_ unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp)',
  nvmlDeviceGetMigMode: 'int nvmlDeviceGetMigMode(nvmlDevice_t device, _Out_ unsigned int *currentMode, _Out_ unsigned int *pendingMode)',
  nvmlDeviceGetMaxMigDeviceCount: 'int nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, _Out_ unsigned int *count)',
  nvmlDeviceGetMigDeviceHandleByIndex:
    'int nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, _Out_ nvmlDevice_t *migDevice)',
  nvmlDeviceGetGpuInstanceId: 'int nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, _Out_ unsigned int *id)',
} as const;

type Name = keyof typeof PROTOTYPES;

/** NUL-terminated text from a buffer. */
function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString('utf8', 0, end < 0 ? buf.length : end);
}

/** Decodes `count` `nvmlProcessInfo_v2_t` structs. Pure. */
export function decodeProcessInfos(buf: Buffer, count: number): NvmlProcess[] {
  const out: NvmlProcess[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * PROCESS_INFO_SIZE;
    const gi = buf.readUInt32LE(o + 16);
    out.push({
      pid: buf.readUInt32LE(o),
      usedGpuMemoryBytes: Number(buf.readBigUInt64LE(o + 8)),
      ...(gi !== NO_INSTANCE ? { gpuInstanceId: gi } : {}),
    });
  }
  return out;
}

/** Decodes `count` `nvmlProcessUtilizationSample_t` structs. Pure. */
export function decodeUtilSamples(buf: Buffer, count: number): NvmlUtilSample[] {
  const out: NvmlUtilSample[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * UTIL_SAMPLE_SIZE;
    out.push({ pid: buf.readUInt32LE(o), timeStamp: buf.readBigUInt64LE(o + 8), smUtil: buf.readUInt32LE(o + 16) });
  }
  return out;
}

/**
 * Loads NVML from `library` (a name searched by the dynamic loader, or a path). Throws the loader's
 * error when the library is missing; does not call `nvmlInit`.
 */
export async function loadNvml(library: string): Promise<NvmlApi> {
  const koffi = ((await import('koffi')) as unknown as { default: Koffi }).default;
  handleType(koffi);
  const lib = koffi.load(library);
  const fns = new Map<Name, Fn>();
  const fn = (name: Name): Fn => {
    let f = fns.get(name);
    if (!f) {
      f = lib.func(PROTOTYPES[name]) as Fn;
      fns.set(name, f);
    }
    return f;
  };
  const errorText = (code: number): string => {
    try {
      return String((fn('nvmlErrorString') as unknown as (c: number) => string)(code));
    } catch {
      return 'error';
    }
  };
  /** Calls `name`; throws unless it returns success or one of `allowed`. */
  const call = (name: Name, args: unknown[], allowed: number[] = []): number => {
    const code = fn(name)(...args);
    if (code !== NVML.SUCCESS && !allowed.includes(code)) throw new NvmlCallError(name, code, errorText(code));
    return code;
  };
  const uint = (name: Name, h: NvmlHandle): number => {
    const out = [0];
    call(name, [h, out]);
    return out[0];
  };
  const text = (name: Name, h: NvmlHandle): string => {
    const buf = Buffer.alloc(TEXT_SIZE);
    call(name, [h, buf, TEXT_SIZE]);
    return cString(buf);
  };

  return {
    library,
    init: () => void call('nvmlInit_v2', []),
    shutdown: () => void call('nvmlShutdown', []),
    deviceCount() {
      const out = [0];
      call('nvmlDeviceGetCount_v2', [out]);
      return out[0];
    },
    handleByIndex(index) {
      const out: unknown[] = [null];
      call('nvmlDeviceGetHandleByIndex_v2', [index, out]);
      return out[0];
    },
    uuid: (h) => text('nvmlDeviceGetUUID', h),
    name: (h) => text('nvmlDeviceGetName', h),
    totalEnergyConsumption(h) {
      const buf = Buffer.alloc(8);
      call('nvmlDeviceGetTotalEnergyConsumption', [h, buf]);
      return buf.readBigUInt64LE(0);
    },
    powerUsage: (h) => uint('nvmlDeviceGetPowerUsage', h),
    powerManagementLimit: (h) => uint('nvmlDeviceGetPowerManagementLimit', h),
    powerManagementLimitConstraints(h) {
      const min = [0];
      const max = [0];
      call('nvmlDeviceGetPowerManagementLimitConstraints', [h, min, max]);
      return { min: min[0], max: max[0] };
    },
    powerManagementDefaultLimit: (h) => uint('nvmlDeviceGetPowerManagementDefaultLimit', h),
    setPowerManagementLimit: (h, milliwatts) => void call('nvmlDeviceSetPowerManagementLimit', [h, Math.round(milliwatts)]),
    computeRunningProcesses(h) {
      // Ask with room for 16, grow to what NVML says on INSUFFICIENT_SIZE (processes may start in between).
      let room = 16;
      for (let attempt = 0; attempt < 4; attempt++) {
        const count = [room];
        const buf = Buffer.alloc(room * PROCESS_INFO_SIZE);
        const code = call('nvmlDeviceGetComputeRunningProcesses_v3', [h, count, buf], [NVML.ERROR_INSUFFICIENT_SIZE]);
        if (code === NVML.SUCCESS) return decodeProcessInfos(buf, Math.min(count[0], room));
        room = count[0] + 8;
      }
      throw new NvmlCallError('nvmlDeviceGetComputeRunningProcesses_v3', NVML.ERROR_INSUFFICIENT_SIZE, 'process list kept growing');
    },
    processUtilization(h, lastSeen) {
      const count = [0];
      let code = call('nvmlDeviceGetProcessUtilization', [h, null, count, lastSeen], [NVML.ERROR_INSUFFICIENT_SIZE, NVML.ERROR_NOT_FOUND]);
      if (code === NVML.ERROR_NOT_FOUND || count[0] === 0) return [];
      const room = count[0] + 8;
      const buf = Buffer.alloc(room * UTIL_SAMPLE_SIZE);
      count[0] = room;
      code = call('nvmlDeviceGetProcessUtilization', [h, buf, count, lastSeen], [NVML.ERROR_NOT_FOUND]);
      return code === NVML.ERROR_NOT_FOUND ? [] : decodeUtilSamples(buf, Math.min(count[0], room));
    },
    migMode(h) {
      const cur = [0];
      const pending = [0];
      call('nvmlDeviceGetMigMode', [h, cur, pending]);
      return cur[0];
    },
    maxMigDeviceCount: (h) => uint('nvmlDeviceGetMaxMigDeviceCount', h),
    migDeviceHandleByIndex(h, index) {
      const out: unknown[] = [null];
      const code = call('nvmlDeviceGetMigDeviceHandleByIndex', [h, index, out], [NVML.ERROR_NOT_FOUND]);
      return code === NVML.ERROR_NOT_FOUND ? undefined : out[0];
    },
    gpuInstanceId: (h) => uint('nvmlDeviceGetGpuInstanceId', h),
  };
}
