/**
 * The in-process fake API server (test/fake-apiserver) with what most integration tests set up on it:
 * powerplane's CRDs, seeded objects and a `KubeClient` talking to it over HTTP.
 */
import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer, type SeedObject } from '../fake-apiserver/index.js';
import { KubeClient } from '../../src/kube/client.js';
import type { WriteCounter } from '../../src/kube/write-counter.js';
import { buildCrds } from '../../src/operator/api/crds.js';

/** powerplane's CustomResourceDefinitions as objects to seed. */
export function powerplaneCrds(): SeedObject[] {
  const crds: SeedObject[] = buildCrds();
  return crds;
}

/**
 * A minimal namespaced CRD (version v1, any fields) for `kind` in `group`, so the fake server serves the
 * kind (e.g. cert-manager's Certificate or the Prometheus Operator's ServiceMonitor).
 */
export function permissiveCrd(group: string, kind: string): SeedObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
    },
  };
}

/** A fake API server and a client for it. */
export interface FakeKube {
  api: FakeApiServer;
  kube: KubeClient;
  stop(): Promise<void>;
}

/** Options of {@link startFakeKube}. */
export interface StartFakeKubeOptions {
  /** Seed powerplane's CRDs first (default false). */
  crds?: boolean;
  /** Objects seeded (after the CRDs). */
  seed?: SeedObject[];
  /** Counts the client's writes. */
  writeCounter?: WriteCounter;
}

/** Starts the fake API server, seeds it and makes a `KubeClient` for it. */
export async function startFakeKube(opts: StartFakeKubeOptions = {}): Promise<FakeKube> {
  const api = await startFakeApiServer();
  try {
    const seed = [...(opts.crds ? powerplaneCrds() : []), ...(opts.seed ?? [])];
    if (seed.length > 0) api.store.seed(...seed);
  } catch (err) {
    await api.stop();
    throw err;
  }
  const kube = new KubeClient({ kubeConfig: api.kubeConfig, ...(opts.writeCounter ? { writeCounter: opts.writeCounter } : {}) });
  return { api, kube, stop: () => api.stop() };
}

/**
 * Awaits a client-node call that must fail with an HTTP error; resolves with the HTTP code and the
 * parsed Status body (asserting that it failed, with an `ApiException`).
 */
export async function apiFailure(p: Promise<unknown>): Promise<{ code: number; status: Record<string, any> }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiException, `expected ApiException, got ${String(err)}`);
    return { code: err.code, status: JSON.parse(err.body as string) as Record<string, any> };
  }
  assert.fail('expected the call to fail');
}
