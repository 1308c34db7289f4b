/**
 * @module agent/workloads/container-id
 * Container id and runtime from the text of `/proc/<pid>/cgroup` (cgroup v1 and v2, systemd and
 * cgroupfs drivers). Each known layout names a 64-hex container id; across every line the match that
 * starts deepest in its path wins, so docker-in-docker and kind nesting resolve to the inner container.
 * Runtime labels are Kepler's: `docker`, `containerd`, `crio`, `podman`, `kubernetes`.
 */

/** A container found in a cgroup file. */
export interface ContainerRef {
  /** 64 lowercase hex characters. */
  id: string;
  runtime: ContainerRuntime;
}

/** Kepler's `runtime` label values. */
export type ContainerRuntime = 'docker' | 'containerd' | 'crio' | 'podman' | 'kubernetes' | 'unknown';

const ID = '([0-9a-f]{64})(?![0-9a-f])';

/** Patterns in Kepler's order; the id is capture group 1. */
const PATTERNS: ReadonlyArray<{ re: RegExp; runtime: ContainerRuntime }> = [
  { re: new RegExp(`/docker[-/]${ID}`, 'g'), runtime: 'docker' },
  { re: new RegExp(`[:/]cri-containerd[-:]${ID}`, 'g'), runtime: 'containerd' },
  { re: new RegExp(`/containerd[-/]${ID}`, 'g'), runtime: 'containerd' },
  { re: new RegExp(`/crio-(?:conmon-)?${ID}`, 'g'), runtime: 'crio' },
  { re: new RegExp(`libpod-(?:conmon-)?${ID}`, 'g'), runtime: 'podman' },
  { re: new RegExp(`/libpod-payload-${ID}`, 'g'), runtime: 'podman' },
  { re: new RegExp(`/kubepods/(?:[a-z]+/)?pod[0-9a-f_-]+/${ID}`, 'g'), runtime: 'kubernetes' },
];

/**
 * Finds the container of a process from its `/proc/<pid>/cgroup` text; undefined for processes outside
 * containers. Pure; never throws.
 */
export function containerFromCgroup(text: string): ContainerRef | undefined {
  let best: ContainerRef | undefined;
  let bestOffset = -1;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // hierarchy-id:controllers:path — the path starts after the second ':'.
    const c1 = text.indexOf(':', lineStart);
    const c2 = c1 < 0 || c1 > lineEnd ? -1 : text.indexOf(':', c1 + 1);
    if (c2 >= 0 && c2 < lineEnd) {
      const path = text.slice(c2 + 1, lineEnd);
      for (const { re, runtime } of PATTERNS) {
        re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = re.exec(path)) !== null) {
          // The id's own offset measures depth; a later-starting id is deeper.
          const offset = m.index + m[0].length - 64;
          if (offset > bestOffset) {
            bestOffset = offset;
            best = { id: m[1], runtime };
          }
          re.lastIndex = m.index + 1;
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return best;
}

/** True when the cgroup text shows a cgroup v2 (unified) hierarchy only: a single `0::` line. */
export function isCgroupV2(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.length > 0);
  return lines.length === 1 && lines[0].startsWith('0::');
}
