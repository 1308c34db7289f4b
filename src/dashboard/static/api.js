// @ts-check
// JSON calls to the server the page came from.

/** An HTTP error with the server's `{code, message, field}` body. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ message?: string, code?: string, field?: string } | null} body
   */
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    /** @type {number} */
    this.status = status;
    /** @type {string | undefined} */
    this.code = body?.code;
    /** @type {string | undefined} */
    this.field = body?.field;
  }
}

/**
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<any>} the parsed JSON body (the caller names its shape)
 */
async function call(path, init) {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init && init.headers) } });
  const text = await res.text();
  /** @type {any} */
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text.slice(0, 300) };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * GET a JSON route.
 * @param {string} path
 * @returns {Promise<any>}
 */
export function getJson(path) {
  return call(path);
}

/**
 * POST a JSON body.
 * @param {string} path
 * @param {unknown} data
 * @returns {Promise<any>}
 */
export function postJson(path, data) {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });
}

/**
 * `err` as an {@link ApiError}: itself, or a network/parse failure wrapped with status 0.
 * @param {unknown} err
 * @returns {ApiError}
 */
export function asApiError(err) {
  if (err instanceof ApiError) return err;
  return new ApiError(0, { message: err instanceof Error ? err.message : String(err) });
}
