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
import { autocannon } from './lib/autocannon.js';
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
    const loc: ModelLocation = { pipeline: 'bench', energySource: SOURCES[i % SOURCES.length], outputType: i % 2 === 0 ? 'AbsPower' : 'DynPower', featureGroup: 'BPFOnly', name: `m${i}` };
    await store.save(loc, { model: fixtureModel(), metadata: fixtureMetadata(loc, { mae: 1 + (i % 17), mape: 1 }) });
  }
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
    const byName = await autocannon({ url: `${url}/v2/models/m3`, connections: 10, duration: DURATION });
    const selection = await autocannon({ url: `${url}/model`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'acpi', output_type: 'DynPower', metrics: ['bpf_cpu_time_ms'], weight: false }), connections: 10, duration: DURATION });
    const row = { models: size, v2ByNameRps: byName.requests.average, v2ByNameNon2xx: byName.non2xx, keplerModelRps: selection.requests.average, keplerModelNon2xx: selection.non2xx };
    rows.push(row);
    process.stderr.write(`lookup ${JSON.stringify(row)}\n`);
  } finally {
    await server.close();
  }
}
const first = rows[0] as { v2ByNameRps: number; keplerModelRps: number };
const last = rows[rows.length - 1] as { v2ByNameRps: number; keplerModelRps: number; models: number };
process.stdout.write(
  JSON.stringify(
    {
      bench: 'model-lookup',
      quick,
      inputs: { sizes: SIZES, durationS: DURATION, connections: 10, energySources: SOURCES },
      targets: {
        [`v2 by name: req/s at ${last.models} ÷ at ${SIZES[0]} models (goal >= 0.8)`]: Math.round((last.v2ByNameRps / first.v2ByNameRps) * 100) / 100,
        [`Kepler POST /model: req/s at ${last.models} ÷ at ${SIZES[0]} models`]: Math.round((last.keplerModelRps / first.keplerModelRps) * 100) / 100,
      },
      rows,
      machine: machineInfo(),
    },
    null,
    2,
  ) + '\n',
);
