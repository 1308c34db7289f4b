/**
 * @module core/loopback
 * Whether a host name or address is this machine only (loopback): what may stay unauthenticated and
 * what may be reached over plain HTTP.
 */

/** True for `localhost`, `::1` (bracketed or not) and any `127.x.y.z` address; case-insensitive. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
