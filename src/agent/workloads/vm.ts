/**
 * @module agent/workloads/vm
 * Virtual machines from hypervisor command lines, as Kepler does: qemu/kvm (`bin/qemu-system-*`,
 * `libexec/qemu-kvm`, `bin/kvm`; xen when `-xen-domid` is present), VirtualBox (`VBoxHeadless`,
 * `VBoxSDL`, `VirtualBoxVM`) and VMware (`vmware-vmx`).
 */

/** Kepler's `hypervisor` label values. */
export type Hypervisor = 'kvm' | 'xen' | 'virtualbox' | 'vmware';

/** A VM found from its hypervisor process. */
export interface VmRef {
  id: string;
  name: string;
  hypervisor: Hypervisor;
}

const QEMU = /(?:^|\/)(?:bin\/qemu-system-[^/]+|libexec\/qemu-kvm|bin\/kvm)$/;
const VBOX = /(?:^|\/)virtualbox\/(?:VBoxHeadless|VBoxSDL|VirtualBoxVM)$/i;
const VMWARE = /(?:^|\/)bin\/vmware-vmx$/;

/** Value following `flag` in `args` (e.g. `-uuid X`), or `flag=X` forms. */
function argValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag || args[i] === `-${flag}`) return args[i + 1];
    if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
  }
  return undefined;
}

/** Kepler's fallback id: the first 16 hex characters of the hex-encoded command line. */
function fallbackId(args: readonly string[]): string {
  return Buffer.from(args.join(' '), 'utf8').toString('hex').slice(0, 16);
}

/** qemu's `-name guest=foo,debug-threads=on` or `-name foo`. */
function qemuName(args: readonly string[]): string | undefined {
  const v = argValue(args, '-name');
  if (!v) return undefined;
  const parts = v.split(',');
  const guest = parts.find((p) => p.startsWith('guest='));
  if (guest) return guest.slice('guest='.length);
  return parts[0].includes('=') ? undefined : parts[0];
}

/** Detects a VM from a process's arguments; undefined for anything that is not a hypervisor. Pure. */
export function vmFromCmdline(args: readonly string[]): VmRef | undefined {
  const exe = args[0];
  if (!exe) return undefined;
  if (QEMU.test(exe)) {
    const domid = argValue(args, '-xen-domid');
    const hypervisor: Hypervisor = domid !== undefined ? 'xen' : 'kvm';
    const id = argValue(args, '-uuid') ?? domid ?? fallbackId(args);
    return { id, name: qemuName(args) ?? `${hypervisor}-${id.slice(0, 8)}`, hypervisor };
  }
  if (VBOX.test(exe)) {
    const id = argValue(args, '--startvm') ?? argValue(args, '-startvm') ?? fallbackId(args);
    return { id, name: `virtualbox-${id.slice(0, 8)}`, hypervisor: 'virtualbox' };
  }
  if (VMWARE.test(exe)) {
    const vmx = args.slice(1).find((a) => a.endsWith('.vmx'));
    const id = vmx ? vmx.slice(vmx.lastIndexOf('/') + 1, -'.vmx'.length) : fallbackId(args);
    return { id, name: id, hypervisor: 'vmware' };
  }
  return undefined;
}
