import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { containerFromCgroup, isCgroupV2 } from './container-id.js';
import { containerCgroup } from '../../../test/helpers/agent/procfs-fixtures.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

const A = 'b176419186d75a44628851daf7841d3374a2ec56d0b038ee3bd1e0c6d331e5b1';
const B = 'f992ec4ed807f76e5e54c9c67d78f0a4105bf945420271c2558ba905e38d2108';
const UID = '0d9c3d8e-5b5a-4a53-9d0f-5c2a3e4b6c7d';

test('every runtime layout yields its id and Kepler runtime label', () => {
  const cases: Array<[string, string]> = [
    [`0::/system.slice/docker-${A}.scope`, 'docker'],
    [`12:cpu,cpuacct:/docker/${A}`, 'docker'],
    [`0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${A}.scope`, 'containerd'],
    [`11:cpuset:/kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice:cri-containerd:${A}`, 'containerd'],
    [`0::/system.slice/containerd-${A}.scope`, 'containerd'],
    [`0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice/crio-${A}.scope`, 'crio'],
    [`0::/machine.slice/libpod-${A}.scope/container`, 'podman'],
    [`0::/kubepods/burstable/pod${UID}/${A}`, 'kubernetes'],
    [`0::/kubepods/pod${UID}/${A}`, 'kubernetes'],
  ];
  for (const [text, runtime] of cases) assert.deepEqual(containerFromCgroup(text + '\n'), { id: A, runtime }, text);
});

test('deepest match wins: docker-in-docker and kind resolve to the inner container', () => {
  assert.deepEqual(
    containerFromCgroup(
      `0::/system.slice/docker-${A}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${B}.scope\n`,
    ),
    { id: B, runtime: 'containerd' },
  );
  assert.deepEqual(containerFromCgroup(`0::/docker/${A}/docker/${B}\n`), { id: B, runtime: 'docker' });
});

test('host processes and non-container services have no container', () => {
  for (const t of [
    '0::/user.slice/user-1000.slice/session-2.scope\n',
    '0::/system.slice/containerd.service\n',
    '0::/\n',
    '',
    'garbage',
    `0::/docker-${A.slice(1)}.scope\n`,
  ]) {
    assert.equal(containerFromCgroup(t), undefined, t);
  }
});

test('cgroup v1 files with many controllers', () => {
  const text = ['12:pids:/docker/' + A, '11:memory:/docker/' + A, '1:name=systemd:/docker/' + A, '0::/'].join('\n') + '\n';
  assert.deepEqual(containerFromCgroup(text), { id: A, runtime: 'docker' });
  assert.equal(isCgroupV2(text), false);
  assert.equal(isCgroupV2(`0::/system.slice/docker-${A}.scope\n`), true);
});

test('real captured cgroup files of kepler-testdata', () => {
  const read = (pid: string) => readFileSync(sharedDataPath('kepler-testdata', 'procfs', pid, 'cgroup'), 'utf8');
  assert.deepEqual(containerFromCgroup(read('3456208')), { id: A, runtime: 'docker' });
  assert.deepEqual(containerFromCgroup(read('3538317')), { id: B, runtime: 'podman' });
  assert.equal(containerFromCgroup(read('1337')), undefined);
  assert.equal(containerFromCgroup(read('43251')), undefined);
});

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const runtimes = fc.constantFrom('docker', 'containerd', 'crio', 'podman', 'kubernetes') as fc.Arbitrary<
  'docker' | 'containerd' | 'crio' | 'podman' | 'kubernetes'
>;

test('property: a generated layout always resolves to its id and runtime', () => {
  fc.assert(
    fc.property(hex64, runtimes, fc.uuid(), (id, runtime, uid) => {
      assert.deepEqual(containerFromCgroup(containerCgroup(id, runtime, uid)), { id, runtime });
    }),
  );
});

test('property: nesting a container inside another resolves to the inner one', () => {
  fc.assert(
    fc.property(hex64, hex64, runtimes, (outer, inner, runtime) => {
      const innerPath = containerCgroup(inner, runtime).slice(3);
      const text = `0::/system.slice/docker-${outer}.scope${innerPath}`;
      assert.equal(containerFromCgroup(text)?.id, inner);
    }),
  );
});

test('property: arbitrary text never throws', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => void containerFromCgroup(s)));
});
