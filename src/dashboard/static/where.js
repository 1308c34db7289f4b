// @ts-check
// Where a workload runs, in words, for the Workloads table: pure (no DOM), so it is unit-tested in node.

/**
 * The "Where" text of a workload: a process's pid, command line (else executable) and container (or "host"); a
 * container's namespace / pod and runtime (or that it is in no pod); a pod's namespace; a VM's hypervisor.
 * @param {import('../../core/contracts.js').WorkloadView} w
 * @returns {string}
 */
export function whereText(w) {
  if (w.level === 'process') {
    return [
      w.pid !== undefined ? `pid ${w.pid}` : `pid ${w.id}`,
      w.cmdline || w.exe,
      w.containerId ? `container ${w.containerId.slice(0, 12)}` : 'host',
    ]
      .filter(Boolean)
      .join(' · ');
  }
  if (w.level === 'container') {
    const pod = [w.namespace, w.podName].filter(Boolean).join(' / ');
    return [pod || 'no pod', w.runtime].filter(Boolean).join(' · ');
  }
  if (w.level === 'pod') return w.namespace ?? '';
  return w.runtime ?? '';
}
