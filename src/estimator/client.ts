/**
 * @module estimator/client
 * The estimator API client behind `powerplane estimate` (WAO's estimator-cli): request, +Inf decoding,
 * Go-style output (`[5 9 13 15 16]`, `+Inf`), why +Inf (for stderr), and the equivalent curl command for `-v`.
 */

/** A decoded answer. */
export interface PowerConsumption {
  cpu_milli: number;
  num_workloads: number;
  watt_increases: number[];
  /** With `?explain=true`, when a k cannot be placed: per node that cannot take one workload, why. */
  infinite_reasons?: Record<string, string[]>;
}

/** An error answer from the API. */
export class EstimatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EstimatorApiError';
  }
}

/** The estimation URL for an address and `namespace/name`. */
export function estimateUrl(address: string, namespace: string, name: string): string {
  return `${address.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/estimators/${encodeURIComponent(name)}/values/powerconsumption`;
}

/** Maps the wire's 1.7976931348623157e308 (and anything ≥ Number.MAX_VALUE) back to +Inf. */
export function decodeInf(v: number): number {
  return v >= Number.MAX_VALUE ? Infinity : v;
}

/** Formats a float as Go's `%v` does (shortest digits; exponent form below 1e-4 and from 1e6 on; `+Inf`). */
export function formatGoFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(v);
}

/** Formats a slice as Go's `fmt.Println` does: `[5 9 13 15 16]`. */
export function formatGoSlice(values: readonly number[]): string {
  return `[${values.map(formatGoFloat).join(' ')}]`;
}

/** Quotes a string for a POSIX shell. */
function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The curl command equivalent to a request (what `-v` prints, as WAO's estimator-cli). */
export function curlCommand(url: string, body: string, headers: Record<string, string>): string {
  const hs = Object.entries({ 'Content-Type': 'application/json', ...headers }).map(([k, v]) => `-H ${shq(`${k}: ${v}`)}`);
  return `curl -X 'POST' -d ${shq(body)} ${hs.join(' ')} ${shq(url)}`;
}

/** Sends one estimation request; resolves with the decoded answer or rejects with EstimatorApiError. */
export async function requestEstimate(
  url: string,
  body: { cpu_milli: number; num_workloads: number },
  headers: Record<string, string>,
  timeoutMs = 15_000,
): Promise<PowerConsumption> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status !== 200) {
    const e = (json ?? {}) as { code?: string; message?: string };
    const code = e.code ?? (res.status === 401 ? 'ErrClientUnauthorized' : 'ErrUnexpected');
    throw new EstimatorApiError(res.status, code, e.message ?? (text.slice(0, 200) || `HTTP ${res.status}`));
  }
  const pc = json as PowerConsumption | undefined;
  if (!pc || !Array.isArray(pc.watt_increases)) throw new EstimatorApiError(res.status, 'ErrUnexpected', 'the answer has no watt_increases');
  return { ...pc, watt_increases: pc.watt_increases.map((v) => decodeInf(Number(v))) };
}

/** The URL asking for the explained answer (placements and `infinite_reasons`). */
export function explainUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('explain', 'true');
  return u.toString();
}

/**
 * Why a curve has +Inf, for people (what `powerplane estimate` prints on stderr): from which k on, and per
 * node the server's `infinite_reasons`. Empty when the curve is finite.
 */
export function infiniteReport(wattIncreases: readonly number[], cpuMilli: number, reasons: Record<string, string[]> | undefined): string {
  const first = wattIncreases.indexOf(Infinity);
  if (first < 0) return '';
  const lines = [
    first === 0
      ? `+Inf: not even one workload of ${cpuMilli.toLocaleString('en-US')} millicores can be placed`
      : `+Inf from k=${first + 1}: the nodes have room for ${first} workload${first === 1 ? '' : 's'} of ${cpuMilli.toLocaleString('en-US')} millicores at most`,
  ];
  const nodes = Object.entries(reasons ?? {});
  if (reasons === undefined) lines.push('  (no reasons: the estimator did not give infinite_reasons)');
  else if (nodes.length > 0) lines.push('nodes that cannot take one:', ...nodes.map(([node, rs]) => `  ${node}: ${rs.join('; ')}`));
  return lines.join('\n') + '\n';
}
