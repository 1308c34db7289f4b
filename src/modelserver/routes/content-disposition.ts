/**
 * @module modelserver/routes/content-disposition
 * Header values built from model names, which may hold any Unicode and `"`: a `Content-Disposition`
 * per RFC 6266 (an ASCII `filename` fallback plus `filename*=UTF-8''…` per RFC 8187), and a
 * percent-encoded model id for `X-Model-Id`. HTTP header values carry only Latin-1, so a raw name
 * outside it cannot be sent at all.
 */

/** RFC 8187 `attr-char`: what `filename*` may carry unencoded. */
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** Percent-encodes `text` as UTF-8 for an RFC 8187 ext-value (every byte outside `attr-char`). */
function extValue(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ATTR_CHAR.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * `attachment; filename="<ascii>"; filename*=UTF-8''<encoded>` for a download named `filename`. The
 * quoted fallback keeps printable ASCII and replaces everything else, `"` and `\` included, with `_`;
 * clients that read `filename*` (every current browser, curl `-J`) get the exact name. Pure.
 */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/gu, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${extValue(filename)}`;
}

/** A model id as an ASCII header value: each `/`-separated segment percent-encoded (`decodeURIComponent` per segment reverses it). Pure. */
export function headerSafeId(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}
