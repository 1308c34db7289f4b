/**
 * @module modelserver/store/names
 * Validation of model names and ids. Every path segment a client or a file gives us goes through
 * {@link assertSegment} before it touches the file system, so no request can leave the store root.
 */
import { isAbsolute, resolve, sep } from 'node:path';
import { ERR_MODEL_INVALID_NAME } from '../errors.js';

/** Longest accepted path segment (bytes of UTF-8). */
export const MAX_SEGMENT_LENGTH = 128;

/** Why `segment` is not a safe path segment, or undefined when it is. */
export function segmentProblem(segment: string): string | undefined {
  if (typeof segment !== 'string' || segment.length === 0) return 'is empty';
  if (Buffer.byteLength(segment) > MAX_SEGMENT_LENGTH) return `is longer than ${MAX_SEGMENT_LENGTH} bytes`;
  if (segment.includes('\0')) return 'contains NUL';
  if (segment.includes('/') || segment.includes('\\')) return 'contains a path separator';
  if (segment === '.' || segment === '..') return 'is a relative path component';
  if (segment.startsWith('.')) return 'starts with a dot';
  if (/^[A-Za-z]:/.test(segment)) return 'looks like a drive letter';
  if (/[\u0000-\u001f\u007f]/.test(segment)) return 'contains control characters';
  return undefined;
}

/** Throws PP_MODELSERVER_INVALID_NAME naming `field` unless `segment` is a safe path segment. */
export function assertSegment(segment: string, field: string): string {
  const problem = segmentProblem(segment);
  if (problem) throw ERR_MODEL_INVALID_NAME(`${field} ${JSON.stringify(String(segment).slice(0, 200))} ${problem}`, { field });
  return segment;
}

/**
 * Joins `relative` (a `/`-separated path whose every segment is safe) under `root` and checks the
 * result stays inside it. Rejects absolute paths, `..`, backslashes and NUL.
 */
export function safeJoin(root: string, relative: string, field = 'path'): string {
  if (isAbsolute(relative) || relative.startsWith('/')) {
    throw ERR_MODEL_INVALID_NAME(`${field} ${JSON.stringify(relative.slice(0, 200))} is an absolute path`, { field });
  }
  const parts = relative.split('/');
  for (const p of parts) assertSegment(p, field);
  const base = resolve(root);
  const target = resolve(base, ...parts);
  if (!target.startsWith(base + sep)) throw ERR_MODEL_INVALID_NAME(`${field} leaves the store`, { field });
  return target;
}
