/**
 * @module dashboard/assets
 * The page's files, read once into memory: everything in `src/dashboard/static/` (plain HTML,
 * CSS and JS modules; copied to dist/ by scripts/copy-assets.mjs) plus uPlot from node_modules. Only
 * these exact names are served, so no request can reach any other file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

/** One file the dashboard serves. */
export interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function asset(body: Buffer, name: string): Asset {
  return { body, contentType: TYPES[extname(name)] ?? 'application/octet-stream', etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/**
 * The static folder: src/dashboard/static, or dist/src/dashboard/static when built. Named from one
 * level above `src/`, since the built module is a bundle chunk in dist/src/cli/, also one level below.
 */
export function staticDir(): string {
  return fileURLToPath(new URL('../dashboard/static/', import.meta.url));
}

/** Loads the page's files, keyed by their path under `/dashboard/` (e.g. `app.js`, `vendor/uPlot.esm.js`). */
export function loadAssets(dir = staticDir()): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile() && TYPES[extname(e.name)]) out.set(`${prefix}${e.name}`, asset(readFileSync(join(d, e.name)), e.name));
    }
  };
  walk(dir, '');
  const require = createRequire(import.meta.url);
  for (const [name, spec] of [
    ['vendor/uPlot.esm.js', 'uplot/dist/uPlot.esm.js'],
    ['vendor/uPlot.min.css', 'uplot/dist/uPlot.min.css'],
  ] as const) {
    out.set(name, asset(readFileSync(require.resolve(spec)), name));
  }
  return out;
}
