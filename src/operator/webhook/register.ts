/**
 * @module operator/webhook/register
 * Writes the webhook configurations with the CA bundle (server-side apply, field manager
 * `powerplane-operator`). The API server requires exactly one of `clientConfig.url` and
 * `clientConfig.service`; when the stored configuration has the other one (say `service` from
 * `powerplane render` applied by kubectl, while this operator runs with `--webhook-url`), another
 * field manager owns it and an apply would add ours beside it. So the other one is swapped for ours
 * first, in one JSON patch, and the apply follows.
 */
import type { KubeClient } from '../../kube/client.js';
import type { JsonPatchOperation, KubeObject } from '../../kube/types.js';
import { FIELD_MANAGER } from '../components/labels.js';
import { buildWebhookConfigurations, type WebhookTarget } from './configurations.js';

type Hook = { name?: string; clientConfig?: Record<string, unknown> };
const ENDPOINT_FIELDS = ['url', 'service'] as const;

/**
 * The JSON patch that swaps a stored webhook's `url`/`service` for the one `desired` uses, for every
 * webhook where they differ in kind; empty when none does. Each swap is guarded by a `test` of the
 * webhook's name (a concurrent reorder fails the patch instead of editing the wrong webhook). Pure.
 */
export function clientConfigSwaps(stored: KubeObject, desired: KubeObject): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  const want = new Map(((desired.webhooks ?? []) as Hook[]).map((h) => [h.name, h.clientConfig ?? {}]));
  ((stored.webhooks ?? []) as Hook[]).forEach((h, i) => {
    const target = want.get(h.name);
    if (!target || !h.clientConfig) return;
    const keep = ENDPOINT_FIELDS.find((f) => target[f] !== undefined);
    const drop = ENDPOINT_FIELDS.find((f) => f !== keep);
    if (!keep || !drop || h.clientConfig[drop] === undefined) return;
    ops.push(
      { op: 'test', path: `/webhooks/${i}/name`, value: h.name },
      { op: 'remove', path: `/webhooks/${i}/clientConfig/${drop}` },
      { op: 'add', path: `/webhooks/${i}/clientConfig/${keep}`, value: target[keep] },
    );
  });
  return ops;
}

/** Registers (or updates) both webhook configurations with `caPem` as their caBundle. */
export async function registerWebhooks(
  kube: Pick<KubeClient, 'apply' | 'getOrUndefined' | 'jsonPatch'>,
  target: WebhookTarget,
  caPem: string,
): Promise<void> {
  for (const cfg of buildWebhookConfigurations(target, Buffer.from(caPem).toString('base64'))) {
    const stored = await kube.getOrUndefined(cfg, cfg.metadata.name!);
    const swaps = stored ? clientConfigSwaps(stored, cfg) : [];
    if (swaps.length > 0) await kube.jsonPatch(cfg, cfg.metadata.name!, undefined, swaps, FIELD_MANAGER);
    await kube.apply(cfg, { fieldManager: FIELD_MANAGER, force: true });
  }
}
