/**
 * @module dashboard/top-client
 * Reads what `powerplane top` shows from an agent's JSON API (`/api/v1/node`, `/api/v1/workloads`).
 */
import type { NodeView, WorkloadLevel, WorkloadsResponse } from '../core/contracts.js';
import { ERR_DASHBOARD_AGENT_UNREACHABLE } from './errors.js';
import { errorMessage } from '../core/errors.js';

/** One frame of `top`. */
export interface TopData {
  /** Absent while the agent has no snapshot yet. */
  node?: NodeView;
  workloads: WorkloadsResponse;
}

async function getJson(url: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (err) {
    throw ERR_DASHBOARD_AGENT_UNREACHABLE(`cannot reach ${url}: ${errorMessage(err)}`, { field: 'address' }, { cause: err });
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    throw ERR_DASHBOARD_AGENT_UNREACHABLE(`${url} answered ${res.status} with a body that is not JSON (is --address an agent?)`, {
      field: 'address',
    });
  }
}

/** Fetches the node and the top `top` workloads of `level` from the agent at `address`. */
export async function fetchTopData(address: string, level: WorkloadLevel, top: number, timeoutMs: number): Promise<TopData> {
  const base = address.replace(/\/+$/, '');
  const [node, wl] = await Promise.all([
    getJson(`${base}/api/v1/node`, timeoutMs),
    getJson(`${base}/api/v1/workloads?level=${level}&top=${top}`, timeoutMs),
  ]);
  if (wl.status !== 200) {
    const msg = (wl.body as { message?: string })?.message ?? `HTTP ${wl.status}`;
    throw ERR_DASHBOARD_AGENT_UNREACHABLE(`${base}/api/v1/workloads answered ${wl.status}: ${msg}`, { field: 'address' });
  }
  return { ...(node.status === 200 ? { node: node.body as NodeView } : {}), workloads: wl.body as WorkloadsResponse };
}
