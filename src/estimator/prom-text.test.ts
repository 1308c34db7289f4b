import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePromText } from './prom-text.js';
import { readIpmiMetrics } from './monitors/ipmi-exporter.js';

// The exposition format of prometheus ipmi_exporter, with the sample lines its documentation gives
// (README "Exported data"; sensor names vary by vendor), since no BMC is reachable in tests.
const IPMI_EXPORTER_FIXTURE = readFileSync(new URL('../../test/estimator/fixtures/ipmi-exporter.prom', import.meta.url), 'utf8');

test('parses samples, labels with escapes, NaN and +Inf', () => {
  const s = parsePromText('a_b{x="1",y="q\\"uote"} 3.5\nc +Inf 1700000000\n# c\nd NaN\n');
  assert.deepEqual(s[0], { name: 'a_b', labels: { x: '1', y: 'q"uote' }, value: 3.5 });
  assert.equal(s[1].value, Infinity);
  assert.ok(Number.isNaN(s[2].value));
  assert.throws(() => parsePromText('ok 1\n{bad} 2\n'), /line 2/);
});

test('IPMI: inlet temperature and DCMI power from the exporter format', () => {
  assert.deepEqual(readIpmiMetrics(IPMI_EXPORTER_FIXTURE), { ambientTemp: 24, powerWatts: 136 });
  assert.deepEqual(readIpmiMetrics('ipmi_temperature_celsius{id="1",name="Inlet"} 20\nipmi_temperature_celsius{id="2",name="Ambient"} 22\n'), {
    ambientTemp: 22,
  });
  assert.deepEqual(readIpmiMetrics('ipmi_dcmi_power_consumption_current_watts 90\n'), { powerWatts: 90 });
  assert.deepEqual(readIpmiMetrics('ipmi_up{collector="ipmi"} 0\n'), {});
});
