import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { defaultConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { selectNodeMeter } from './select.js';
import { buildCpuinfo, buildHwmonTree, buildPowercapTree } from '../../../test/helpers/agent/meter-fixtures.js';
import { fsSysfsReader, type SysfsReader } from './sysfs-reader.js';
import { ERR_NO_METER } from './errors.js';

/** A logger whose JSON lines are kept for assertions. */
function capturingLogger(): { log: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger({ format: 'json', level: 'info', destination }), lines };
}

async function node(t: { after: (fn: () => Promise<void>) => void }): Promise<{ sysfs: string; procfs: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'pp-select-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const procfs = await buildCpuinfo(join(dir, 'proc'), 'Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz', 4);
  return { sysfs: join(dir, 'sys'), procfs };
}

test('bare metal: RAPL is chosen and logged with its zones', async (t) => {
  const { sysfs, procfs } = await node(t);
  await buildPowercapTree(sysfs, [
    { dir: 'intel-rapl:0', name: 'package-0', energyUj: 5 },
    { dir: 'intel-rapl:0:0', name: 'core', energyUj: 5 },
  ]);
  const { log, lines } = capturingLogger();
  const sel = await selectNodeMeter(defaultConfig({ 'host.sysfs': sysfs, 'host.procfs': procfs }), log);
  assert.equal(sel.meter.info.name, 'rapl');
  assert.deepEqual(sel.tried, [{ name: 'rapl', available: true, zones: ['package', 'core'] }]);
  const chosen = lines.find((l) => String(l.msg).startsWith('node meter: rapl'));
  assert.ok(chosen);
  assert.deepEqual(chosen.zones, [
    `package ${join(sysfs, 'class/powercap/intel-rapl:0')}`,
    `core (nested) ${join(sysfs, 'class/powercap/intel-rapl:0:0')}`,
  ]);
});

test('EACCES on RAPL: a warning names the file and the fix, and hwmon is tried next', async (t) => {
  const { sysfs, procfs } = await node(t);
  await buildPowercapTree(sysfs, [{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 5 }]);
  await buildHwmonTree(sysfs, [{ dir: 'hwmon0', name: 'k10temp', attributes: { power1_input: 40_000_000, power1_label: 'Package' } }]);
  const reader: SysfsReader = {
    list: fsSysfsReader.list,
    async readText(p) {
      if (p.endsWith('energy_uj')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return fsSysfsReader.readText(p);
    },
  };
  const { log, lines } = capturingLogger();
  const sel = await selectNodeMeter(defaultConfig({ 'host.sysfs': sysfs, 'host.procfs': procfs }), log, { reader });
  assert.equal(sel.meter.info.name, 'hwmon');
  assert.equal(sel.tried[0].name, 'rapl');
  assert.equal(sel.tried[0].available, false);
  const file = join(sysfs, 'class/powercap/intel-rapl:0/energy_uj');
  assert.ok(sel.tried[0].reason?.includes(file));
  const warning = lines.find((l) => l.level === 40 && l.meter === 'rapl');
  assert.ok(warning);
  assert.ok(String(warning.msg).includes(file) && /chmod/.test(String(warning.msg)) && /root/.test(String(warning.msg)));
});

test('a VM (no powercap, no hwmon): the model meter, labelled estimated', async (t) => {
  const { sysfs, procfs } = await node(t);
  const { log } = capturingLogger();
  const sel = await selectNodeMeter(defaultConfig({ 'host.sysfs': sysfs, 'host.procfs': procfs }), log);
  assert.deepEqual(
    { name: sel.meter.info.name, estimated: sel.meter.info.estimated, model: sel.meter.info.model },
    { name: 'model', estimated: true, model: 'ccf:intel-broadwell(4 vCPU)' },
  );
  assert.deepEqual(
    sel.tried.map((c) => [c.name, c.available]),
    [
      ['rapl', false],
      ['hwmon', false],
      ['model', true],
    ],
  );
  assert.match(sel.tried[0].reason!, /does not exist/);
});

test('no usable meter in the list: PP_AGENT_NO_METER naming each reason and the flag', async (t) => {
  const { sysfs, procfs } = await node(t);
  const { log } = capturingLogger();
  await assert.rejects(
    selectNodeMeter(defaultConfig({ 'host.sysfs': sysfs, 'host.procfs': procfs, meter: ['rapl', 'hwmon'] }), log),
    (e: unknown) => {
      assert.ok(ERR_NO_METER.is(e));
      assert.match(e.message, /rapl: .*does not exist/);
      assert.match(e.message, /add "model"/);
      assert.equal(e.details.flag, '--meter');
      return true;
    },
  );
});

test('fake meter when asked for', async (t) => {
  const { sysfs, procfs } = await node(t);
  const { log } = capturingLogger();
  const sel = await selectNodeMeter(defaultConfig({ 'host.sysfs': sysfs, 'host.procfs': procfs, meter: ['fake'] }), log);
  assert.equal(sel.meter.info.name, 'fake');
});

test('this machine: the default list always yields a meter', async () => {
  const { log } = capturingLogger();
  const sel = await selectNodeMeter(defaultConfig(), log);
  assert.ok(['rapl', 'hwmon', 'model'].includes(sel.meter.info.name));
  assert.ok(sel.meter.zones().length > 0);
});
