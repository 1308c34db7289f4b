/**
 * Model look-up benchmark: requests/s of the routes that find a model by name (`GET /v2/models/{name}`,
 * the first step of every v2 inference) and by selection (Kepler's `POST /model`, one source and output
 * type) as the store grows from 10 to 5,000 models, over real HTTP on loopback against the model server
 * mounted in this process (autocannon). Goal: by-name look-up flat within 20 % (ratio 5,000 ÷ 10 ≥ 0.8).
 * Models are small fixture models spread over 4 energy sources and both output types.
 *
 * Usage: node --import tsx --expose-gc bench/model-lookup.bench.ts [--quick]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from './lib/machine.js';
import { autocannon, type AutocannonResult } from './lib/autocannon.js';
import { ModelStore, type ModelLocation } from '../src/modelserver/store/store.js';
import { createModelServerComponent } from '../src/modelserver/component.js';
import { createServer } from '../src/core/server.js';
import { silentLogger } from '../src/core/logger.js';
import { defaultConfig } from '../src/core/config.js';
import { fixtureMetadata, fixtureModel } from '../test/modelserver/fixtures.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [10, 1000] : [10, 500, 2000, 5000];
const DURATION = quick ? 2 : 5;
const SOURCES = ['rapl-sysfs', 'acpi', 'redfish', 'hwmon'];

/** Fills a store up to `count` models (model i named `m<i>`). */
async function fill(store: ModelStore, from: number, count: number): Promise<void> {
  for (let i = from; i < count; i++) {
    const loc: ModelLocation = {
      pipeline: 'bench',
      energySource: SOURCES[i % SOURCES.length],
      outputType: i % 2 === 0 ? 'AbsPower' : 'DynPower',
      featureGroup: 'BPFOnly',
      name: `m${i}`,
    };
    await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc, { mae: 1 + (i % 17), mape: 1 }) });
  }
}

/** Runs a load and returns it with this process's CPU (server, its file-system threads and the load generator) per request. */
async function measured(run: () => Promise<AutocannonResult>): Promise<{ result: AutocannonResult; cpuMsPerRequest: number }> {
  const c0 = process.cpuUsage();
  const result = await run();
  const c = process.cpuUsage(c0);
  return { result, cpuMsPerRequest: Math.round(((c.user + c.system) / 1000 / Math.max(1, result.requests.average * DURATION)) * 1000) / 1000 };
}

const root = mkdtempSync(join(tmpdir(), 'pp-bench-lookup-'));
const filler = new ModelStore(root);
const rows: Record<string, unknown>[] = [];
let have = 0;
for (const size of SIZES) {
  await fill(filler, have, size);
  have = size;
  const log = silentLogger();
  const config = defaultConfig({ 'modelServer.storeDir': root });
  const server = await createServer({ log, components: [await createModelServerComponent({ config, log })] });
  const url = await server.listen('127.0.0.1:0');
  try {
    const keplerQuery = {
      url: `${url}/model`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'acpi', output_type: 'DynPower', metrics: ['bpf_cpu_time_ms'], weight: false }),
      connections: 10,
    };
    // warm both routes up (compiler, first scan of the store) before measuring
    await autocannon({ url: `${url}/v2/models/m3`, connections: 10, duration: 1 });
    await autocannon({ ...keplerQuery, duration: 1 });
    const byName = await measured(() => autocannon({ url: `${url}/v2/models/m3`, connections: 10, duration: DURATION }));
    const selection = await measured(() => autocannon({ ...keplerQuery, duration: DURATION }));
    const row = {
      models: size,
      v2ByNameRps: byName.result.requests.average,
      v2ByNameCpuMsPerRequest: byName.cpuMsPerRequest,
      v2ByNameNon2xx: byName.result.non2xx,
      keplerModelRps: selection.result.requests.average,
      keplerModelCpuMsPerRequest: selection.cpuMsPerRequest,
      keplerModelNon2xx: selection.result.non2xx,
    };
    rows.push(row);
    process.stderr.write(`lookup ${JSON.stringify(row)}\n`);
  } finally {
    await server.close();
  }
}
type Row = { v2ByNameRps: number; keplerModelRps: number; v2ByNameCpuMsPerRequest: number; keplerModelCpuMsPerRequest: number; models: number };
const first = rows[0] as Row;
const last = rows[rows.length - 1] as Row;
process.stdout.write(
  JSON.stringify(
    {
      bench: 'model-lookup',
      quick,
      inputs: { sizes: SIZES, durationS: DURATION, connections: 10, energySources: SOURCES },
      targets: {
        [`v2 by name: req/s at ${last.models} ÷ at ${SIZES[0]} models (goal >= 0.8)`]: Math.round((last.v2ByNameRps / first.v2ByNameRps) * 100) / 100,
        [`Kepler POST /model: req/s at ${last.models} ÷ at ${SIZES[0]} models (goal >= 0.8)`]:
          Math.round((last.keplerModelRps / first.keplerModelRps) * 100) / 100,
        [`v2 by name: CPU per request at ${last.models} ÷ at ${SIZES[0]} models (goal <= 1.2)`]:
          Math.round((last.v2ByNameCpuMsPerRequest / first.v2ByNameCpuMsPerRequest) * 100) / 100,
        [`Kepler POST /model: CPU per request at ${last.models} ÷ at ${SIZES[0]} models (goal <= 1.2)`]:
          Math.round((last.keplerModelCpuMsPerRequest / first.keplerModelCpuMsPerRequest) * 100) / 100,
      },
      rows,
      note: 'server and load generator share this process; CPU per request counts both (the generator part is the same at every size) and is steadier than requests/s on a loaded machine; see machine.loadAverage1m',
      machine: machineInfo(),
    },
    null,
    2,
  ) + '\n',
);
