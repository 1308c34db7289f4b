// Regenerates the checked-in files that are derived from the code (`npm run generate`, run under tsx):
// the CRDs file, the kustomize base and the configuration reference (every key in docs/configuration.md,
// the agent's keys in docs/agent.md). Drift tests (src/operator/api/crds.test.ts,
// src/operator/kustomize.test.ts, src/core/config-reference.test.ts) fail until this is run after a change.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderManifests, defaultImage } from '../src/operator/render.ts';
import { DEFAULT_OPERATOR_NAMESPACE } from '../src/operator/components/install.ts';
import { configReferenceMarkdown, spliceReference } from '../src/core/config-reference.ts';
import { keysMatching } from '../src/core/config-keys.ts';
import { AGENT_CONFIG_KEYS } from '../src/agent/command.ts';

const namespace = DEFAULT_OPERATOR_NAMESPACE;
const outputs = {
  'deploy/crds/powerplane.io_crds.yaml': renderManifests({ namespace, image: 'unused', crdsOnly: true }),
  'deploy/kustomize/base/powerplane.yaml': renderManifests({ namespace, image: defaultImage(), crdsOnly: false }),
  'docs/configuration.md': spliceReference(readFileSync('docs/configuration.md', 'utf8'), configReferenceMarkdown()),
  'docs/agent.md': spliceReference(readFileSync('docs/agent.md', 'utf8'), configReferenceMarkdown(keysMatching(AGENT_CONFIG_KEYS))),
};
for (const [path, text] of Object.entries(outputs)) {
  writeFileSync(path, text);
  process.stderr.write(`wrote ${path}\n`);
}
