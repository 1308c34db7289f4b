// Regenerates the checked-in manifests from the code (`npm run generate`): the CRDs file and the kustomize
// base. Drift tests (src/operator/api/crds.test.ts, src/operator/kustomize.test.ts) fail until this is run.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

function render(args) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'render', ...args], { encoding: 'utf8' });
  if (r.status !== 0) { process.stderr.write(r.stderr); process.exit(r.status ?? 1); }
  return r.stdout;
}
const outputs = {
  'deploy/crds/powerplane.io_crds.yaml': render(['--crds-only']),
  'deploy/kustomize/base/powerplane.yaml': render([]),
};
for (const [path, text] of Object.entries(outputs)) {
  writeFileSync(path, text);
  process.stderr.write(`wrote ${path}\n`);
}
