// scripts/gpu-check.sh against a fake nvidia-smi and the fake libnvidia-ml.so.1 (no GPU here): the
// script's own logic (start the agent on NVML, sample both sources, compare, exit status) is real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeNvml } from '../fake-nvml/fake-nvml.js';
import { freePort } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared-data.js';

async function runCheck(dir: string, nvmlWatts: number, smiWatts: number): Promise<{ code: number; out: string }> {
  await mkdir(dir, { recursive: true });
  const fake = await FakeNvml.create(dir, {
    count: 1,
    devices: { 0: { uuid: 'GPU-check', name: 'NVIDIA H200', energy: 1000, energyRate: nvmlWatts * 1000 } },
  });
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(
    join(bin, 'nvidia-smi'),
    `#!/bin/sh\ncase "$*" in *nounits*) echo "0, ${smiWatts}.00" ;; *) echo "0, NVIDIA H200, ${smiWatts}.00 W" ;; esac\n`,
  );
  await chmod(join(bin, 'nvidia-smi'), 0o755);
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    FAKE_NVML_CONTROL: fake.controlFile,
    NVML_LIBRARY: fake.library,
    DURATION: '6',
    PORT: String(await freePort()),
  };
  return new Promise((resolve) => {
    execFile('bash', [join(REPO_ROOT, 'scripts/gpu-check.sh')], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

test('gpu-check.sh: agreement within the tolerance exits 0, disagreement exits 1, with the figures per GPU', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-gpu-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const agree = await runCheck(join(dir, 'a'), 298, 300);
  assert.equal(agree.code, 0, agree.out);
  assert.match(agree.out, /^0 +29\d\.\d\d 300\.00 0\.0\d\d ok$/m);
  const off = await runCheck(join(dir, 'b'), 200, 300);
  assert.equal(off.code, 1, off.out);
  // The script times its samples with the shell's clock between scrapes, so the agent's figure carries a
  // couple of percent of scheduling jitter on a loaded machine: 200 W ± 2.5 %.
  assert.match(off.out, /^0 +(19[5-9]|20[0-4])\.\d\d 300\.00 0\.3\d\d DISAGREE$/m);
});
