/**
 * @module modelserver/store/zip
 * A small zip writer and a defensive zip reader (stored and deflate entries only), enough for
 * Kepler-style model archives. The reader rejects what could escape a directory or exhaust memory:
 * absolute names, `..`, backslashes, NUL, encrypted or zip64 entries, duplicate names, too many
 * entries, and inflated sizes beyond the limits; it verifies every CRC.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { segmentProblem } from './names.js';
import { ERR_ARCHIVE_INVALID } from '../errors.js';
import { errorMessage } from '../../core/errors.js';

/** One file in an archive. */
export interface ZipEntry {
  /** `/`-separated relative name. */
  name: string;
  data: Buffer;
}

/** Limits of {@link readZip}. */
export interface ZipLimits {
  maxEntries: number;
  /** Largest total uncompressed size in bytes. */
  maxTotalBytes: number;
}

/** Default limits: 64 entries, 64 MiB uncompressed. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 64, maxTotalBytes: 64 << 20 };

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const FLAG_UTF8 = 0x0800;

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Builds a zip archive; entries are deflated when that makes them smaller, stored otherwise. */
export function writeZip(entries: readonly ZipEntry[], mtime = new Date()): Buffer {
  const { time, date } = dosDateTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const deflated = deflateRawSync(e.data);
    const useDeflate = deflated.length < e.data.length;
    const body = useDeflate ? deflated : e.data;
    const method = useDeflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(SIG_CENTRAL, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix, version 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** Why an entry name is unsafe, or undefined. Directory entries end in `/`. */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.includes('\\')) return 'contains a backslash';
  const parts = name.endsWith('/') ? name.slice(0, -1).split('/') : name.split('/');
  for (const p of parts) {
    if (p === '..') return 'leaves the archive directory (..)';
    const problem = segmentProblem(p);
    if (problem) return problem;
  }
  return undefined;
}

function fail(message: string): never {
  throw ERR_ARCHIVE_INVALID(message, { field: 'archive' });
}

/** Reads every file of a zip archive, rejecting unsafe or malformed archives (directory entries are skipped). */
export function readZip(buf: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipEntry[] {
  if (buf.length < 22) fail('archive is too short to be a zip file');
  let endAt = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === SIG_END) {
      endAt = i;
      break;
    }
  }
  if (endAt < 0) fail('archive has no end-of-central-directory record');
  const count = buf.readUInt16LE(endAt + 10);
  const cdSize = buf.readUInt32LE(endAt + 12);
  const cdOffset = buf.readUInt32LE(endAt + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) fail('zip64 archives are not supported');
  if (count > limits.maxEntries) fail(`archive has ${count} entries (limit ${limits.maxEntries})`);
  if (cdOffset + cdSize > endAt) fail('central directory lies outside the archive');
  const out: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > endAt || buf.readUInt32LE(p) !== SIG_CENTRAL) fail(`central directory entry ${i} is malformed`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    if (p + 46 + nameLen > endAt) fail(`central directory entry ${i} is truncated`);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
    const problem = entryNameProblem(name);
    if (problem) fail(`entry ${JSON.stringify(name)} ${problem}`);
    if (flags & 0x1) fail(`entry ${name} is encrypted`);
    if (csize === 0xffffffff || usize === 0xffffffff || localOffset === 0xffffffff) fail(`entry ${name} needs zip64`);
    if (name.endsWith('/')) continue;
    if (seen.has(name)) fail(`entry ${name} appears twice`);
    seen.add(name);
    total += usize;
    if (total > limits.maxTotalBytes) fail(`archive inflates beyond ${limits.maxTotalBytes} bytes`);
    if (localOffset + 30 > buf.length || buf.readUInt32LE(localOffset) !== SIG_LOCAL) fail(`entry ${name} has no local header`);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    if (dataStart + csize > buf.length) fail(`entry ${name} is truncated`);
    const raw = buf.subarray(dataStart, dataStart + csize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) {
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, usize) });
      } catch (err) {
        fail(`entry ${name} does not inflate: ${errorMessage(err)}`);
      }
    } else fail(`entry ${name} uses compression method ${method} (only stored and deflate are supported)`);
    if (data.length !== usize) fail(`entry ${name} inflates to ${data.length} bytes, header says ${usize}`);
    if (crc32(data) !== crc) fail(`entry ${name} fails its CRC check`);
    out.push({ name, data });
  }
  return out;
}
