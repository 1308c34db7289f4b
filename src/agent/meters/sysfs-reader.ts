/**
 * @module agent/meters/sysfs-reader
 * The file-system reads meters make, behind an interface so tests can simulate what a fixture tree
 * cannot (EACCES as root, I/O errors) and so every meter reads through one place.
 */
import { readFile, readdir } from 'node:fs/promises';

/** Reads small text files and lists directories. */
export interface SysfsReader {
  /** The file's content (sysfs attributes are a few bytes). Rejects with the fs error (`code` set). */
  readText(path: string): Promise<string>;
  /** Names in a directory. */
  list(path: string): Promise<string[]>;
}

/** Largest attribute read: sysfs attributes are one page at most. */
const MAX_ATTRIBUTE_BYTES = 4096;

/** The reader over the real file system. */
export const fsSysfsReader: SysfsReader = {
  async readText(path: string): Promise<string> {
    const buf = await readFile(path);
    return buf.subarray(0, MAX_ATTRIBUTE_BYTES).toString('utf8');
  },
  list(path: string): Promise<string[]> {
    return readdir(path);
  },
};

/** A file that was read but does not hold one integer. */
export class NotAnIntegerError extends Error {}

/** Reads a file holding one integer (µJ, µW); rejects with a message naming the file when it is not one. */
export async function readInteger(reader: SysfsReader, path: string): Promise<number> {
  const text = (await reader.readText(path)).trim();
  if (!/^-?\d+$/.test(text)) throw new NotAnIntegerError(`${path}: expected an integer, found ${JSON.stringify(text.slice(0, 40))}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new NotAnIntegerError(`${path}: integer ${text} is out of range`);
  return value;
}

/** Why a counter file could not be read: gone, not readable (permissions, I/O error, a directory), or not an integer. */
export type ReadFailureReason = 'missing' | 'unreadable' | 'garbage';

/** Classifies an error of {@link readInteger}. */
export function readFailureReason(err: unknown): ReadFailureReason {
  if (err instanceof NotAnIntegerError) return 'garbage';
  return isMissing(err) ? 'missing' : 'unreadable';
}

/** Reads a trimmed text attribute, or undefined when the file does not exist. */
export async function readOptionalText(reader: SysfsReader, path: string): Promise<string | undefined> {
  try {
    return (await reader.readText(path)).trim();
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** True for ENOENT/ENOTDIR errors. */
export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** True for permission errors (EACCES, EPERM). */
export function isPermissionDenied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}
