/**
 * @module agent/api/power-limit-client
 * The `NodePowerLimit` action of a remote node: a client of the agent's authenticated GPU power-limit
 * route, for the capping actuator. Errors from the agent (`{code, message, field}`) are rethrown with
 * the agent's code and message.
 */
import type { NodePowerLimit, PowerLimitDevice } from '../../core/node-power-limit.js';
import { ERR_UPSTREAM, PowerplaneError } from '../../core/errors.js';
import { POWER_LIMIT_PATH } from './power-limit-routes.js';

/** `NodePowerLimit` over HTTP to one agent (`baseUrl` like `http://10.0.0.5:28282`). */
export class AgentPowerLimitClient implements NodePowerLimit {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<T>(method: 'GET' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const data = (await res.json().catch(() => ({}))) as { code?: string; message?: string; field?: string };
    if (!res.ok) {
      const def = {
        code: data.code ?? ERR_UPSTREAM.definition.code,
        status: res.status,
        exitCode: 1,
        description: 'The agent refused a power-limit request',
      };
      throw new PowerplaneError(def, data.message ?? `agent answered ${res.status}`, data.field ? { field: data.field } : {});
    }
    return data as T;
  }

  async devices(): Promise<PowerLimitDevice[]> {
    return (await this.call<{ devices: PowerLimitDevice[] }>('GET', POWER_LIMIT_PATH)).devices;
  }

  set(gpu: string, watts: number): Promise<PowerLimitDevice> {
    return this.call('PUT', `${POWER_LIMIT_PATH}/${encodeURIComponent(gpu)}`, { watts });
  }

  async restore(gpu?: string): Promise<PowerLimitDevice[]> {
    const path = gpu === undefined ? POWER_LIMIT_PATH : `${POWER_LIMIT_PATH}/${encodeURIComponent(gpu)}`;
    return (await this.call<{ devices: PowerLimitDevice[] }>('DELETE', path)).devices;
  }
}
