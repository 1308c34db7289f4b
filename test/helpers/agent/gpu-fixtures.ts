/**
 * @module test/helpers/agent/gpu-fixtures
 * Test helper: writes a fake `nvidia-smi` shell script that prints given outputs for the device
 * query, the compute-apps query and `pmon`, so GPU tests and agent tests run without a GPU.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the fake prints; `pmon` undefined makes `pmon` fail as on GPUs that do not support it. */
export interface FakeNvidiaSmiOutputs {
  gpus: string;
  apps: string;
  pmon?: string;
}

/** Writes `<dir>/nvidia-smi` and its output files; returns the script path. Call again to change the outputs. */
export async function writeFakeNvidiaSmi(dir: string, outputs: FakeNvidiaSmiOutputs): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'gpus.csv'), outputs.gpus);
  await writeFile(join(dir, 'apps.csv'), outputs.apps);
  await writeFile(join(dir, 'pmon.txt'), outputs.pmon ?? '');
  const script = join(dir, 'nvidia-smi');
  const pmon = outputs.pmon === undefined ? 'echo "Failed to process command line: not supported" >&2; exit 2' : `cat "${join(dir, 'pmon.txt')}"`;
  await writeFile(
    script,
    `#!/bin/sh
case "$1" in
  --query-gpu=*) cat "${join(dir, 'gpus.csv')}" ;;
  --query-compute-apps=*) cat "${join(dir, 'apps.csv')}" ;;
  pmon) ${pmon} ;;
  *) echo "unexpected arguments: $*" >&2; exit 9 ;;
esac
`,
  );
  await chmod(script, 0o755);
  return script;
}
