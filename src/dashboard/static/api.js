// JSON calls to the server the page came from.

/** An HTTP error with the server's `{code, message, field}` body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.field = body && body.field;
  }
}

async function call(path, init) {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init && init.headers) } });
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { message: text.slice(0, 300) }; }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** GET a JSON route. */
export function getJson(path) {
  return call(path);
}

/** POST a JSON body. */
export function postJson(path, data) {
  return call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });
}
