import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { summarizeCpuInfo, classifyCpu, ccfCurve, normalizeModelName, hasWholeWord } from './cpu-model.js';
import { generateFromDir } from '../../../scripts/ccf-generate.js';
import { CCF_GENERIC } from './ccf-table.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

const arch = (modelName: string) => classifyCpu({ modelName, processors: 1 })?.id;

test('the embedded CCF table is exactly what the generator makes from shared/data/ccf', () => {
  const committed = readFileSync(fileURLToPath(new URL('./ccf-table.ts', import.meta.url)), 'utf8');
  assert.equal(committed, generateFromDir(sharedDataPath('ccf')));
});

test('real /proc/cpuinfo model names map to CCF micro-architectures', () => {
  assert.equal(arch('Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz'), 'intel-broadwell');
  assert.equal(arch('Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz'), 'intel-skylake');
  assert.equal(arch('Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz'), 'intel-cascadelake');
  assert.equal(arch('Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz'), 'intel-icelake');
  assert.equal(arch('Intel(R) Xeon(R) Platinum 8488C'), 'intel-sapphirerapids');
  assert.equal(arch('AMD EPYC 7R13 Processor'), 'amd-epyc-gen3');
  assert.equal(arch('AMD EPYC 7763 64-Core Processor'), 'amd-epyc-gen3');
  assert.equal(arch('AMD EPYC 9654 96-Core Processor'), 'amd-epyc-gen4');
  assert.equal(arch('Intel(R) Xeon(R) CPU E5-2667 v3 @ 3.20GHz'), 'intel-haswell');
  assert.equal(arch('Intel(R) Core(TM) i7-8700B CPU @ 3.20GHz'), 'intel-coffeelake');
});

test('patterns cover models newer than the lists', () => {
  assert.equal(arch('Intel(R) Xeon(R) Gold 6199Q'), 'intel-skylake');
  assert.equal(arch('Intel(R) Xeon(R) Silver 4599X'), 'intel-emeraldrapids');
  assert.equal(arch('Intel(R) Xeon(R) CPU E5-2699 v2 @ 2.70GHz'), 'intel-ivybridge');
  assert.equal(arch('Intel(R) Xeon(R) CPU E5-2698 @ 2.0GHz'), 'intel-sandybridge');
  assert.equal(arch('Intel(R) Xeon(R) Gold 6999Q'), undefined);
  assert.equal(arch('AMD EPYC 9Z95 Processor'), 'amd-epyc-gen5');
});

test('unknown CPUs (QEMU, desktop) are undefined and get the generic curve', () => {
  assert.equal(arch('Intel(R) Xeon(R) Processor'), undefined);
  assert.equal(arch('QEMU Virtual CPU version 2.5+'), undefined);
  const c = ccfCurve({ modelName: 'Intel(R) Xeon(R) Processor', processors: 2 }, 8);
  assert.deepEqual(c, { id: 'generic', vcpus: 2, idleWatts: 2 * CCF_GENERIC.minWatts, maxWatts: 2 * CCF_GENERIC.maxWatts });
  assert.equal(ccfCurve({ processors: 0 }, 8).vcpus, 8);
});

test('ARM: Graviton parts from CPU part', () => {
  const text =
    'processor\t: 0\nBogoMIPS\t: 243.75\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd0c\n\nprocessor\t: 1\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n';
  const info = summarizeCpuInfo(text);
  assert.deepEqual(info, { processors: 2, cpuImplementer: '0x41', cpuPart: '0xd0c' });
  assert.equal(classifyCpu(info)?.id, 'aws-graviton2');
});

test('CCF curve: 8 vCPU Skylake is 8 × CCF min/max watts', () => {
  const blocks = Array.from({ length: 8 }, (_, i) => `processor\t: ${i}\nmodel name\t: Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz\n`).join('\n');
  const c = ccfCurve(summarizeCpuInfo(blocks), 1);
  assert.equal(c.id, 'intel-skylake');
  assert.equal(c.vcpus, 8);
  assert.ok(Math.abs(c.idleWatts - 8 * 0.6129888539040325) < 1e-12);
  assert.ok(Math.abs(c.maxWatts - 8 * 4.104170352960531) < 1e-12);
});

test('summarizeCpuInfo and normalizeModelName never throw and count processors (property)', () => {
  fc.assert(
    fc.property(fc.string(), fc.nat({ max: 64 }), (junk, n) => {
      const text = Array.from({ length: n }, (_, i) => `processor\t: ${i}\n${junk}\n`).join('\n');
      const info = summarizeCpuInfo(text);
      assert.ok(info.processors >= n);
      normalizeModelName(junk);
      classifyCpu({ modelName: junk, processors: 1 });
    }),
  );
});

test('hasWholeWord: a model name matches at the start or after a space or dash, and before the end or a space', () => {
  assert.ok(hasWholeWord('xeon e5-2686 v4', 'e5-2686 v4'));
  assert.ok(hasWholeWord('xeon-e5-2686', 'e5-2686'));
  assert.ok(hasWholeWord('e5-2686', 'e5-2686'));
  assert.ok(!hasWholeWord('xeon gold 6248r', 'gold 6248'));
  assert.ok(!hasWholeWord('xeon xe5-2686', 'e5-2686'));
  assert.ok(hasWholeWord('a 6248r 6248', '6248'), 'a later occurrence counts');
});
