/**
 * @module operator/render
 * `powerplane render`: the install manifests as one YAML stream that `kubectl apply -f -` accepts.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../kube/types.js';
import { buildInstallManifests, type InstallOptions } from './components/install.js';
import { versionInfo } from '../core/version.js';

/** Default image of `render` and of the operands: this version's image. */
export function defaultImage(): string {
  return `ghcr.io/powerplane/powerplane:${versionInfo().version}`;
}

/**
 * The warning `render` prints (on stderr, so the YAML on stdout stays clean) when the image is the default:
 * no image of that name is published, so the cluster could not pull it.
 */
export function unpublishedImageWarning(image: string): string {
  return (
    `powerplane render: warning: ${image} is the default image name and is not published in any registry; ` +
    'build the image (docker build -t REGISTRY/powerplane:TAG .), push it or load it into your cluster, and pass --image REGISTRY/powerplane:TAG (docs/install.md)\n'
  );
}

/** Serializes objects as a multi-document YAML stream. */
export function toYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
}

/** Renders the install manifests as YAML. */
export function renderManifests(opts: InstallOptions): string {
  return toYamlStream(buildInstallManifests(opts));
}
