/**
 * @module capping/plugins/http-plugin
 * A catalog plug-in as a {@link CappingAlgorithm}: `POST endpoint` with the state (its `parameters` set
 * to the policy's) as JSON, the answer checked against the decisions schema. Every failure is an
 * {@link AlgorithmFailure} that the step turns into a hold: timeout, connection error, non-200 status,
 * redirect, a body over 8 MiB, not JSON, not valid decisions. When the catalog pins `sha256`, the
 * plug-in's published schema (`GET endpoint`) must hash to it before the first decision; a mismatch holds.
 * HTTPS uses Node's trust store (add a private CA with NODE_EXTRA_CA_CERTS).
 */
import { createHash } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { AlgorithmFailure } from '../algorithm/step.js';
import { CappingDecisionsSchema, type CappingAlgorithm, type CappingDecisions, type CappingState } from '../algorithm/types.js';
import type { CatalogEntry } from './catalog.js';
import { errorMessage } from '../../core/errors.js';

/** Largest answer accepted. */
export const MAX_PLUGIN_RESPONSE_BYTES = 8 << 20;
const decisionsCheck = Compile(CappingDecisionsSchema);

async function readLimited(res: Response, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new AlgorithmFailure('AlgorithmInvalidAnswer', `answer larger than ${max} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

async function call(entry: CatalogEntry, init: RequestInit, signal?: AbortSignal): Promise<Buffer> {
  const timeout = AbortSignal.timeout(entry.timeoutMs);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const res = await fetch(entry.endpoint, { ...init, redirect: 'error', signal: both });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new AlgorithmFailure('AlgorithmFailed', `${init.method} ${entry.endpoint} answered HTTP ${res.status}`);
    }
    return await readLimited(res, MAX_PLUGIN_RESPONSE_BYTES);
  } catch (err) {
    if (err instanceof AlgorithmFailure) throw err;
    if (timeout.aborted)
      throw new AlgorithmFailure('AlgorithmTimeout', `${init.method} ${entry.endpoint} did not answer within ${entry.timeoutMs} ms`, { cause: err });
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AlgorithmFailure('AlgorithmFailed', `${init.method} ${entry.endpoint} failed: ${cause?.code ?? cause?.message ?? errorMessage(err)}`, {
      cause: err,
    });
  }
}

/** The sha256 (hex) of a plug-in's published schema, as the catalog pins it. */
export function schemaDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Fetches the plug-in's published schema and checks it against the catalog's sha256. */
export async function verifyPublishedSchema(entry: CatalogEntry, signal?: AbortSignal): Promise<string> {
  const body = await call(entry, { method: 'GET', headers: { accept: 'application/json' } }, signal);
  const digest = schemaDigest(body);
  if (entry.sha256 !== undefined && digest !== entry.sha256) {
    throw new AlgorithmFailure('AlgorithmInvalidAnswer', `published schema of ${entry.name} has sha256 ${digest}, the catalog pins ${entry.sha256}`);
  }
  return digest;
}

/** Creates the algorithm for a catalog entry with the policy's parameters. */
export function createHttpPlugin(entry: CatalogEntry, parameters: Record<string, unknown>): CappingAlgorithm {
  let verified = entry.sha256 === undefined;
  return {
    name: entry.name,
    async decide(state: CappingState, signal?: AbortSignal): Promise<CappingDecisions> {
      if (!verified) {
        await verifyPublishedSchema(entry, signal);
        verified = true;
      }
      const body = JSON.stringify({ ...state, parameters });
      const raw = await call(entry, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body }, signal);
      let answer: unknown;
      try {
        answer = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new AlgorithmFailure('AlgorithmInvalidAnswer', `${entry.name} answered something that is not JSON`);
      }
      if (!decisionsCheck.Check(answer)) {
        const e = [...decisionsCheck.Errors(answer)][0];
        throw new AlgorithmFailure(
          'AlgorithmInvalidAnswer',
          `${entry.name} answered invalid decisions: ${e ? `${e.instancePath || '(root)'} ${e.message}` : 'schema mismatch'}`,
        );
      }
      return answer as CappingDecisions;
    },
  };
}
