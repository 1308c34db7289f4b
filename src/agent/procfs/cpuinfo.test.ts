import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuInfo } from './cpuinfo.js';

test('x86 and ARM cpuinfo blocks become kepler_node_cpu_info labels', () => {
  const x86 =
    'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338\nphysical id\t: 1\ncore id\t\t: 7\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338\nphysical id\t: 1\ncore id\t\t: 8\n';
  assert.deepEqual(parseCpuInfo(x86), [
    { processor: '0', vendorId: 'GenuineIntel', modelName: 'Intel(R) Xeon(R) Gold 6338', physicalId: '1', coreId: '7' },
    { processor: '1', vendorId: 'GenuineIntel', modelName: 'Intel(R) Xeon(R) Gold 6338', physicalId: '1', coreId: '8' },
  ]);
  const arm = 'processor\t: 0\nBogoMIPS\t: 243.75\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n\nHardware\t: foo\n';
  assert.deepEqual(parseCpuInfo(arm), [{ processor: '0', vendorId: '0x41', modelName: '', physicalId: '0', coreId: '0' }]);
  assert.deepEqual(parseCpuInfo(''), []);
});
