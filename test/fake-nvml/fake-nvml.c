/*
 * A fake libnvidia-ml.so.1 for powerplane's tests: the NVML functions the agent calls, with the
 * real names, signatures, struct layouts and return codes, driven by a control file so tests can
 * change counters, processes, MIG layout and errors between two reads.
 *
 * The control file is named by $FAKE_NVML_CONTROL and re-read at every call. One directive a line:
 *   init <code>                       nvmlInit_v2 returns <code> (default 0)
 *   count <n>                         physical devices 0..n-1
 *   dev <id> uuid <text>              UUID (rest of line)
 *   dev <id> name <text>              name (rest of line)
 *   dev <id> energy <mJ>              nvmlDeviceGetTotalEnergyConsumption
 *   dev <id> energyrate <mW>          the counter also grows by <mW> × seconds of CLOCK_MONOTONIC
 *   dev <id> power <mW>               nvmlDeviceGetPowerUsage
 *   dev <id> limit <mW>               nvmlDeviceGetPowerManagementLimit
 *   dev <id> constraints <min> <max>  nvmlDeviceGetPowerManagementLimitConstraints (mW)
 *   dev <id> defaultlimit <mW>        nvmlDeviceGetPowerManagementDefaultLimit
 *   dev <id> migmode <0|1>            nvmlDeviceGetMigMode (current and pending)
 *   dev <id> maxmig <n>               nvmlDeviceGetMaxMigDeviceCount
 *   dev <id> gi <n>                   nvmlDeviceGetGpuInstanceId (MIG devices)
 *   dev <id> utilts <us>              timestamp of this device's process-utilization samples;
 *                                     0: the current time (every call has new samples)
 *   dev <id> err <what> <code>        <what>: energy power limit constraints defaultlimit setlimit uuid
 *                                     name procs util migmode maxmig mig gi, or all
 *   mig <parent> <slot> <id>          MIG device <id> sits at <slot> of physical device <parent>
 *   proc <id> <pid> <bytes> <sm%>     a compute process on device <id>; sm% < 0: no utilization sample
 * Device ids are 0..63; physical devices are 0..count-1, MIG devices any other id.
 *
 * nvmlDeviceSetPowerManagementLimit and nvmlShutdown append to "<control>.state" (`limit <id> <mW>`,
 * `shutdown`); limits set there override the control file's `limit`, as on a real board.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
typedef struct fake_dev *nvmlDevice_t;

typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId;
  unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
  unsigned int pid;
  unsigned long long timeStamp;
  unsigned int smUtil;
  unsigned int memUtil;
  unsigned int encUtil;
  unsigned int decUtil;
} nvmlProcessUtilizationSample_t;

#define MAX_DEV 64
#define MAX_PROC 32
#define MAX_MIG 8
#define NERR 16

enum { OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, NOT_FOUND = 6, INSUFFICIENT_SIZE = 7, DRIVER_NOT_LOADED = 9 };

static const char *ERR_NAMES[NERR] = {"energy", "power", "limit", "constraints", "defaultlimit", "setlimit", "uuid", "name",
                                      "procs", "util", "migmode", "maxmig", "mig", "gi", "all", NULL};

struct fake_proc {
  unsigned int pid;
  unsigned long long bytes;
  int sm;
};

struct fake_dev {
  char uuid[96];
  char name[96];
  unsigned long long energy, energyrate;
  unsigned int power, limit, minLimit, maxLimit, defaultLimit, migmode, maxmig, gi;
  unsigned long long utilts;
  int err[NERR];
  int mig[MAX_MIG];
  int nproc;
  struct fake_proc procs[MAX_PROC];
};

static struct fake_dev devs[MAX_DEV];
static unsigned int count;
static int init_code;
static int initialized;

static const char *control(void) { return getenv("FAKE_NVML_CONTROL"); }

static void rest_of_line(char *dst, size_t n, const char *src) {
  while (*src == ' ') src++;
  snprintf(dst, n, "%s", src);
  dst[strcspn(dst, "\r\n")] = 0;
}

static int err_index(const char *what) {
  for (int i = 0; ERR_NAMES[i]; i++)
    if (strcmp(ERR_NAMES[i], what) == 0) return i;
  return -1;
}

/* Re-reads the control file and the state overlay; returns 0 when the control file is missing. */
static int load(void) {
  memset(devs, 0, sizeof devs);
  for (int i = 0; i < MAX_DEV; i++)
    for (int j = 0; j < MAX_MIG; j++) devs[i].mig[j] = -1;
  for (int i = 0; i < MAX_DEV; i++) devs[i].utilts = 1000;
  count = 0;
  init_code = 0;
  const char *path = control();
  if (!path) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[512], key[32], what[32];
  int id, a, n;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "init %d", &a) == 1) init_code = a;
    else if (sscanf(line, "count %d", &a) == 1) count = (unsigned int)a;
    else if (sscanf(line, "mig %d %d %d", &id, &a, &n) == 3) {
      if (id >= 0 && id < MAX_DEV && a >= 0 && a < MAX_MIG) devs[id].mig[a] = n;
    } else if (sscanf(line, "proc %d", &id) == 1) {
      unsigned int pid;
      unsigned long long bytes;
      int sm;
      if (id >= 0 && id < MAX_DEV && devs[id].nproc < MAX_PROC && sscanf(line, "proc %*d %u %llu %d", &pid, &bytes, &sm) == 3) {
        struct fake_proc *p = &devs[id].procs[devs[id].nproc++];
        p->pid = pid;
        p->bytes = bytes;
        p->sm = sm;
      }
    } else if (sscanf(line, "dev %d %31s %n", &id, key, &n) == 2 && id >= 0 && id < MAX_DEV) {
      struct fake_dev *d = &devs[id];
      const char *v = line + n;
      if (!strcmp(key, "uuid")) rest_of_line(d->uuid, sizeof d->uuid, v);
      else if (!strcmp(key, "name")) rest_of_line(d->name, sizeof d->name, v);
      else if (!strcmp(key, "energy")) d->energy = strtoull(v, NULL, 10);
      else if (!strcmp(key, "energyrate")) d->energyrate = strtoull(v, NULL, 10);
      else if (!strcmp(key, "power")) d->power = (unsigned int)strtoul(v, NULL, 10);
      else if (!strcmp(key, "limit")) d->limit = (unsigned int)strtoul(v, NULL, 10);
      else if (!strcmp(key, "constraints")) sscanf(v, "%u %u", &d->minLimit, &d->maxLimit);
      else if (!strcmp(key, "defaultlimit")) d->defaultLimit = (unsigned int)strtoul(v, NULL, 10);
      else if (!strcmp(key, "migmode")) d->migmode = (unsigned int)strtoul(v, NULL, 10);
      else if (!strcmp(key, "maxmig")) d->maxmig = (unsigned int)strtoul(v, NULL, 10);
      else if (!strcmp(key, "gi")) d->gi = (unsigned int)strtoul(v, NULL, 10);
      else if (!strcmp(key, "utilts")) d->utilts = strtoull(v, NULL, 10);
      else if (!strcmp(key, "err") && sscanf(v, "%31s %d", what, &a) == 2 && err_index(what) >= 0) d->err[err_index(what)] = a;
    }
  }
  fclose(f);
  char state[1024];
  snprintf(state, sizeof state, "%s.state", path);
  f = fopen(state, "r");
  if (f) {
    unsigned int mw;
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "limit %d %u", &id, &mw) == 2 && id >= 0 && id < MAX_DEV) devs[id].limit = mw;
    fclose(f);
  }
  return 1;
}

static void append_state(const char *text) {
  const char *path = control();
  if (!path) return;
  char state[1024];
  snprintf(state, sizeof state, "%s.state", path);
  FILE *f = fopen(state, "a");
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

/* Common entry of every device call: reloads, checks init and the handle, applies injected errors. */
static nvmlReturn_t enter(nvmlDevice_t dev, const char *what) {
  if (!initialized) return UNINITIALIZED;
  load();
  if (dev == NULL || dev < devs || dev >= devs + MAX_DEV) return INVALID_ARGUMENT;
  if (dev->err[err_index("all")]) return dev->err[err_index("all")];
  return dev->err[err_index(what)];
}

nvmlReturn_t nvmlInit_v2(void) {
  if (!load()) return DRIVER_NOT_LOADED;
  if (init_code) return init_code;
  initialized++;
  return OK;
}

nvmlReturn_t nvmlShutdown(void) {
  if (!initialized) return UNINITIALIZED;
  initialized--;
  append_state("shutdown\n");
  return OK;
}

const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    case 15: return "GPU is lost";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) {
  if (!initialized) return UNINITIALIZED;
  load();
  if (!n) return INVALID_ARGUMENT;
  *n = count;
  return OK;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *dev) {
  if (!initialized) return UNINITIALIZED;
  load();
  if (!dev || index >= count || index >= MAX_DEV) return INVALID_ARGUMENT;
  *dev = &devs[index];
  return OK;
}

static nvmlReturn_t copy_text(char *dst, unsigned int len, const char *src) {
  if (!dst || strlen(src) + 1 > len) return INSUFFICIENT_SIZE;
  strcpy(dst, src);
  return OK;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t dev, char *uuid, unsigned int len) {
  nvmlReturn_t r = enter(dev, "uuid");
  return r ? r : copy_text(uuid, len, dev->uuid);
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t dev, char *name, unsigned int len) {
  nvmlReturn_t r = enter(dev, "name");
  return r ? r : copy_text(name, len, dev->name);
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t dev, unsigned long long *energy) {
  /* The counter's time is taken on entry, before the control file is read (which can take milliseconds on a
     loaded machine), so it matches the caller's timestamp of the read as a real driver's counter does. */
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  nvmlReturn_t r = enter(dev, "energy");
  if (r) return r;
  if (!energy) return INVALID_ARGUMENT;
  double seconds = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
  *energy = dev->energy + (unsigned long long)((double)dev->energyrate * seconds);
  return OK;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t dev, unsigned int *power) {
  nvmlReturn_t r = enter(dev, "power");
  if (r) return r;
  if (!power) return INVALID_ARGUMENT;
  *power = dev->power;
  return OK;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t dev, unsigned int *limit) {
  nvmlReturn_t r = enter(dev, "limit");
  if (r) return r;
  if (!limit) return INVALID_ARGUMENT;
  *limit = dev->limit;
  return OK;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t dev, unsigned int *minLimit, unsigned int *maxLimit) {
  nvmlReturn_t r = enter(dev, "constraints");
  if (r) return r;
  if (!minLimit || !maxLimit) return INVALID_ARGUMENT;
  *minLimit = dev->minLimit;
  *maxLimit = dev->maxLimit;
  return OK;
}

nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t dev, unsigned int *limit) {
  nvmlReturn_t r = enter(dev, "defaultlimit");
  if (r) return r;
  if (!limit) return INVALID_ARGUMENT;
  *limit = dev->defaultLimit;
  return OK;
}

nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t dev, unsigned int limit) {
  nvmlReturn_t r = enter(dev, "setlimit");
  if (r) return r;
  if (limit < dev->minLimit || limit > dev->maxLimit) return INVALID_ARGUMENT;
  char text[64];
  snprintf(text, sizeof text, "limit %d %u\n", (int)(dev - devs), limit);
  append_state(text);
  return OK;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t dev, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
  nvmlReturn_t r = enter(dev, "procs");
  if (r) return r;
  if (!infoCount) return INVALID_ARGUMENT;
  unsigned int n = (unsigned int)dev->nproc;
  if (*infoCount < n || (n > 0 && !infos)) {
    *infoCount = n;
    return INSUFFICIENT_SIZE;
  }
  for (unsigned int i = 0; i < n; i++) {
    infos[i].pid = dev->procs[i].pid;
    infos[i].usedGpuMemory = dev->procs[i].bytes;
    infos[i].gpuInstanceId = dev->gi ? dev->gi : 0xFFFFFFFFu;
    infos[i].computeInstanceId = dev->gi ? 0 : 0xFFFFFFFFu;
  }
  *infoCount = n;
  return OK;
}

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t dev, nvmlProcessUtilizationSample_t *samples, unsigned int *count_, unsigned long long lastSeen) {
  nvmlReturn_t r = enter(dev, "util");
  if (r) return r;
  if (!count_) return INVALID_ARGUMENT;
  unsigned long long stamp = dev->utilts;
  if (stamp == 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    stamp = (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000ull;
  }
  unsigned int n = 0;
  if (stamp > lastSeen)
    for (int i = 0; i < dev->nproc; i++)
      if (dev->procs[i].sm >= 0) n++;
  if (n == 0) return NOT_FOUND;
  if (!samples || *count_ < n) {
    *count_ = n;
    return INSUFFICIENT_SIZE;
  }
  unsigned int k = 0;
  for (int i = 0; i < dev->nproc; i++) {
    if (dev->procs[i].sm < 0) continue;
    samples[k].pid = dev->procs[i].pid;
    samples[k].timeStamp = stamp;
    samples[k].smUtil = (unsigned int)dev->procs[i].sm;
    samples[k].memUtil = 0;
    samples[k].encUtil = 0;
    samples[k].decUtil = 0;
    k++;
  }
  *count_ = k;
  return OK;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t dev, unsigned int *current, unsigned int *pending) {
  nvmlReturn_t r = enter(dev, "migmode");
  if (r) return r;
  if (!current || !pending) return INVALID_ARGUMENT;
  *current = dev->migmode;
  *pending = dev->migmode;
  return OK;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t dev, unsigned int *n) {
  nvmlReturn_t r = enter(dev, "maxmig");
  if (r) return r;
  if (!n) return INVALID_ARGUMENT;
  *n = dev->maxmig;
  return OK;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t dev, unsigned int index, nvmlDevice_t *mig) {
  nvmlReturn_t r = enter(dev, "mig");
  if (r) return r;
  if (!mig || index >= MAX_MIG) return INVALID_ARGUMENT;
  int id = dev->mig[index];
  if (id < 0 || id >= MAX_DEV) return NOT_FOUND;
  *mig = &devs[id];
  return OK;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t dev, unsigned int *id) {
  nvmlReturn_t r = enter(dev, "gi");
  if (r) return r;
  if (!id) return INVALID_ARGUMENT;
  *id = dev->gi;
  return OK;
}
