/**
 * @module operator/components/model-server-token
 * The model server's bearer token in a cluster: a Secret with 32 random bytes, created once by the
 * operator in the PowerMonitor's namespace and never overwritten (a Secret of that name that exists,
 * the user's own included, is used as it is), mounted read-only into the model server, which then
 * requires it on its write routes. Only the model server mounts it: the agents and the estimator only
 * read models, which needs no token, so the write credential is not spread to every node.
 */
import { randomBytes } from 'node:crypto';
import type { OperatorKube } from '../reconciler/types.js';
import { isAlreadyExists } from '../../kube/errors.js';
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { FIELD_MANAGER, NAMES, componentLabels, withOwner, type Owner } from './labels.js';

/** The key of the token in the Secret. */
export const MODEL_SERVER_TOKEN_KEY = 'token';
/** Where the model server container sees the Secret. */
export const MODEL_SERVER_TOKEN_DIR = '/etc/powerplane/model-server-token';

const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;

/** The Secret as first created: a fresh random token (base64url of 32 bytes), owned by the PowerMonitor. */
export function newModelServerTokenSecret(namespace: string, owner: Owner, random: (n: number) => Buffer = randomBytes): KubeObject<V1Secret> {
  return withOwner(
    {
      ...SECRET,
      metadata: { name: NAMES.modelServerToken, namespace, labels: componentLabels('model-server', NAMES.modelServerToken) },
      type: 'Opaque',
      stringData: { [MODEL_SERVER_TOKEN_KEY]: random(32).toString('base64url') },
    } satisfies KubeObject<V1Secret>,
    owner,
  );
}

/** Creates the token Secret when it does not exist; an existing one is never changed. */
export async function ensureModelServerToken(kube: OperatorKube, namespace: string, owner: Owner): Promise<'created' | 'kept'> {
  if (await kube.getOrUndefined(SECRET, NAMES.modelServerToken, namespace)) return 'kept';
  try {
    await kube.create(newModelServerTokenSecret(namespace, owner), FIELD_MANAGER);
    return 'created';
  } catch (err) {
    if (isAlreadyExists(err)) return 'kept'; // another replica was first
    throw err;
  }
}

/** Deletes the token Secret when this PowerMonitor created it (owner reference); a user's own Secret stays. */
export async function deleteModelServerToken(kube: OperatorKube, namespace: string, ownerUid: string): Promise<boolean> {
  const s = await kube.getOrUndefined(SECRET, NAMES.modelServerToken, namespace);
  if (!s || !(s.metadata.ownerReferences ?? []).some((r) => r.uid === ownerUid)) return false;
  return kube.deleteIfExists(SECRET, NAMES.modelServerToken, namespace, { uid: s.metadata.uid });
}
