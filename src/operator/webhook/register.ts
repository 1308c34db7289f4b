/**
 * @module operator/webhook/register
 * Writes the webhook configurations with the CA bundle (server-side apply, field manager
 * `powerplane-operator`).
 */
import type { KubeClient } from '../../kube/client.js';
import { FIELD_MANAGER } from '../components/labels.js';
import { buildWebhookConfigurations, type WebhookTarget } from './configurations.js';

/** Registers (or updates) both webhook configurations with `caPem` as their caBundle. */
export async function registerWebhooks(kube: Pick<KubeClient, 'apply'>, target: WebhookTarget, caPem: string): Promise<void> {
  for (const cfg of buildWebhookConfigurations(target, Buffer.from(caPem).toString('base64'))) {
    await kube.apply(cfg, { fieldManager: FIELD_MANAGER, force: true });
  }
}
