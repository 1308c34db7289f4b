/**
 * A whole fixture node configured the way a user does it (a YAML config file): RAPL from the real
 * Kepler powercap capture, platform power from the DMTF Redfish mockup behind basic auth on loopback,
 * and a GPU through a fake nvidia-smi. All three selectors work from the loaded config and a logger.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { selectNodeMeter } from '../../src/agent/meters/index.js';
import { selectPlatformMeter } from '../../src/agent/platform/index.js';
import { selectGpuMeter } from '../../src/agent/gpu/index.js';
import { serveRedfishMockup } from '../helpers/agent/redfish-mockup-server.js';
import { writeFakeNvidiaSmi } from '../helpers/agent/gpu-fixtures.js';
import { sharedDataPath } from '../helpers/shared-data.js';

test('a node configured by YAML: RAPL (real capture), Redfish (DMTF mockup), NVIDIA (fake nvidia-smi)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-node-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const sysfs = join(dir, 'sys');
  await mkdir(join(sysfs, 'class'), { recursive: true });
  await symlink(sharedDataPath('kepler-testdata', 'powercap'), join(sysfs, 'class', 'powercap'));
  const server = await serveRedfishMockup(sharedDataPath('redfish', 'public-rackmount1'), { auth: { username: 'monitor', password: 'hunter2' } });
  t.after(() => server.close());
  await writeFile(join(dir, 'bmc-password'), 'hunter2\n', { mode: 0o600 });
  const smi = await writeFakeNvidiaSmi(join(dir, 'nvidia'), {
    gpus: '0, GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77, NVIDIA H100 80GB HBM3, 250.00, 60\n',
    apps: '4242, GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77, 2048\n',
  });
  const file = join(dir, 'powerplane.yaml');
  await writeFile(
    file,
    `host:
  sysfs: ${sysfs}
meter: [rapl, model]
platform:
  redfish:
    endpoint: ${server.url}
    username: monitor
    passwordFile: ${join(dir, 'bmc-password')}
gpu:
  nvidiaSmiPath: ${smi}
`,
  );
  const { config, warnings } = loadConfig({ file });
  assert.deepEqual(warnings, []);
  const log = silentLogger();

  const node = await selectNodeMeter(config, log);
  assert.equal(node.meter.info.name, 'rapl');
  assert.deepEqual(
    node.meter.zones().map((z) => `${z.zone}:${z.path.startsWith('aggregated-') ? z.path : 'sysfs'}:${z.nested}`),
    ['package:aggregated-package:false', 'core:sysfs:true'],
  );

  const platform = await selectPlatformMeter(config, log);
  assert.equal(platform.meter?.source, 'redfish');
  assert.equal(await platform.meter!.read(), 374);

  const gpu = await selectGpuMeter(config, log);
  assert.equal(gpu.count, 1);
  const r = await gpu.meter!.read();
  assert.equal(r.devices[0].watts, 250);
  assert.deepEqual(r.processes, [{ pid: 4242, gpuIndex: 0, usedMemoryMiB: 2048 }]);
});
