import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { vmFromCmdline } from './vm.js';
import { parseCmdline } from '../procfs/parse.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

test('real qemu command line of kepler-testdata: uuid id, guest name, kvm', () => {
  const args = parseCmdline(readFileSync(sharedDataPath('kepler-testdata', 'procfs', '43251', 'cmdline'), 'utf8'));
  assert.deepEqual(vmFromCmdline(args), { id: 'df12672f-fedb-4f6f-9d51-0166868835fb', name: 'kepler-stuff_default', hypervisor: 'kvm' });
});

test('qemu-kvm, kvm, xen, virtualbox and vmware', () => {
  assert.deepEqual(vmFromCmdline(['/usr/libexec/qemu-kvm', '-name', 'web', '-uuid', 'u1']), { id: 'u1', name: 'web', hypervisor: 'kvm' });
  assert.equal(vmFromCmdline(['/usr/bin/kvm', '-m', '1024'])?.hypervisor, 'kvm');
  assert.deepEqual(vmFromCmdline(['/usr/bin/qemu-system-x86_64', '-xen-domid', '7']), { id: '7', name: 'xen-7', hypervisor: 'xen' });
  assert.deepEqual(vmFromCmdline(['/usr/lib/virtualbox/VBoxHeadless', '--startvm', 'abcdef0123']), {
    id: 'abcdef0123',
    name: 'virtualbox-abcdef01',
    hypervisor: 'virtualbox',
  });
  assert.deepEqual(vmFromCmdline(['/usr/bin/vmware-vmx', '-s', 'x', '/vms/db01.vmx']), { id: 'db01', name: 'db01', hypervisor: 'vmware' });
  const noId = vmFromCmdline(['/usr/bin/qemu-system-aarch64', '-m', '512']);
  assert.equal(noId?.id, Buffer.from('/usr/bin/qemu-system-aarch64 -m 512').toString('hex').slice(0, 16));
});

test('ordinary processes are not VMs', () => {
  for (const a of [['/usr/bin/bash'], ['qemu-img', 'info'], []]) assert.equal(vmFromCmdline(a), undefined, a.join(' '));
});

test('property: arbitrary argument lists never throw', () => {
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 8 }), (a) => void vmFromCmdline(a)));
});
