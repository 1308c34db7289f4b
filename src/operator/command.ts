/**
 * @module operator/command
 * `powerplane operator` (controllers, webhook, leader election) and `powerplane render` (install
 * manifests as YAML).
 */
import type { Command } from 'commander';
import { action } from '../cli/common.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';
import { renderManifests, defaultImage, unpublishedImageWarning } from './render.js';
import { DEFAULT_OPERATOR_NAMESPACE } from './components/install.js';
import { registerOperatorCommand } from './operator-command.js';

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Registers `operator` and `render`. */
export function registerOperatorCommands(program: Command): void {
  registerOperatorCommand(program);
  program
    .command('render')
    .description('print the install manifests (CRDs, namespace, RBAC, operator Deployment, webhook) as YAML for kubectl apply -f -')
    .option('--namespace <ns>', 'namespace of the operator', DEFAULT_OPERATOR_NAMESPACE)
    .option('--image <image>', 'image of the operator and its operands', defaultImage())
    .option('--crds-only', 'print only the CustomResourceDefinitions')
    .action(
      action((opts: { namespace: string; image: string; crdsOnly?: boolean }) => {
        if (!NAMESPACE_RE.test(opts.namespace) || opts.namespace.length > 63) throw ERR_INVALID_FLAG(`--namespace must be a DNS label, got ${JSON.stringify(opts.namespace)}`, { flag: '--namespace' });
        if (!/^[^\s]{3,}$/.test(opts.image)) throw ERR_INVALID_FLAG(`--image must be an image reference, got ${JSON.stringify(opts.image)}`, { flag: '--image' });
        if (!opts.crdsOnly && opts.image === defaultImage()) process.stderr.write(unpublishedImageWarning(opts.image));
        process.stdout.write(renderManifests({ namespace: opts.namespace, image: opts.image, crdsOnly: Boolean(opts.crdsOnly) }));
      }),
    );
}
