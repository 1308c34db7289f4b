/**
 * @module core/json-depth
 * The nesting depth of a JSON text, measured in one pass without parsing it, so that a body nested
 * deeper than a server accepts is refused before `JSON.parse` spends time (or stack) on it.
 */

/** Largest JSON nesting depth the servers accept (objects and arrays together). */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `text` opens more than `max` nested objects/arrays at some point. Brackets inside
 * strings do not count. The text need not be valid JSON (the parser reports that afterwards).
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
