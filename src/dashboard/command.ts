/**
 * @module dashboard/command
 * `powerplane top`: a compact live table of the top workloads from an agent's JSON API. On a TTY it
 * redraws in place every `--interval` (q quits, s switches the sort, l the level); otherwise, or
 * with `--once`, it prints one table and exits.
 */
import type { Command } from 'commander';
import { action } from '../core/cli-common.js';
import { parseDuration } from '../core/duration.js';
import { ERR_INVALID_FLAG, errorMessage } from '../core/errors.js';
import type { WorkloadLevel } from '../core/contracts.js';
import { DASHBOARD_LEVELS } from './history.js';
import { renderTopTable, TOP_SORTS, type TopSort } from './top-table.js';
import { fetchTopData } from './top-client.js';

/** Default agent address of `top` (where `powerplane up` listens). */
export const TOP_DEFAULT_ADDRESS = 'http://127.0.0.1:28282';

/** Parsed flags of `top`. */
export interface TopOptions {
  address: string;
  level: WorkloadLevel;
  intervalMs: number;
  top: number | undefined;
  sort: TopSort;
  once: boolean;
}

/** Validates the raw flags of `top`; bad values throw PP_INVALID_FLAG naming the flag (exit 2). */
export function parseTopOptions(raw: Record<string, unknown>): TopOptions {
  const address = String(raw.address ?? TOP_DEFAULT_ADDRESS);
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw ERR_INVALID_FLAG(`--address must be an http(s) URL, got ${JSON.stringify(address)}`, { flag: '--address' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw ERR_INVALID_FLAG(`--address must be an http(s) URL, got ${JSON.stringify(address)}`, { flag: '--address' });
  const level = String(raw.level ?? 'process') as WorkloadLevel;
  if (!DASHBOARD_LEVELS.includes(level))
    throw ERR_INVALID_FLAG(`--level must be one of ${DASHBOARD_LEVELS.join('|')}, got ${JSON.stringify(raw.level)}`, { flag: '--level' });
  const intervalMs = parseDuration(String(raw.interval ?? '5s'));
  if (intervalMs === undefined || intervalMs < 100)
    throw ERR_INVALID_FLAG(`--interval must be a duration of at least 100ms (e.g. 2s), got ${JSON.stringify(raw.interval)}`, { flag: '--interval' });
  let top: number | undefined;
  if (raw.top !== undefined) {
    top = Number(raw.top);
    if (!Number.isInteger(top) || top < 1 || top > 10000)
      throw ERR_INVALID_FLAG(`--top must be an integer from 1 to 10000, got ${JSON.stringify(raw.top)}`, { flag: '--top' });
  }
  const sort = String(raw.sort ?? 'watts') as TopSort;
  if (!TOP_SORTS.includes(sort))
    throw ERR_INVALID_FLAG(`--sort must be one of ${TOP_SORTS.join('|')}, got ${JSON.stringify(raw.sort)}`, { flag: '--sort' });
  return { address: url.toString().replace(/\/+$/, ''), level, intervalMs, top, sort, once: Boolean(raw.once) };
}

/** Prints one table to stdout (non-TTY or `--once`). */
async function printOnce(o: TopOptions): Promise<void> {
  const rows = o.top ?? 20;
  const data = await fetchTopData(o.address, o.level, Math.max(rows, 50), Math.max(2000, o.intervalMs));
  const width = process.stdout.columns ?? 120;
  process.stdout.write(renderTopTable(data.node, data.workloads, { width, rows, sort: o.sort }).join('\n') + '\n');
}

/** Redraws the table in place until q or Ctrl-C. */
async function runLive(o: TopOptions): Promise<void> {
  const out = process.stdout;
  let level = o.level;
  let sort = o.sort;
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  const restore = () => {
    out.write('\x1b[?25h\x1b[?1049l');
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
  };
  const quit = () => {
    if (timer) clearInterval(timer);
    restore();
    process.exit(0);
  };
  const draw = async () => {
    if (busy) return;
    busy = true;
    const rows = o.top ?? Math.max(1, (out.rows ?? 24) - 8);
    const width = out.columns ?? 100;
    let lines: string[];
    try {
      const data = await fetchTopData(o.address, level, Math.max(rows, 50), Math.max(2000, o.intervalMs));
      lines = renderTopTable(data.node, data.workloads, { width, rows, sort });
    } catch (err) {
      lines = [`powerplane top: ${errorMessage(err)}`, `retrying every ${o.intervalMs / 1000}s …`];
    }
    lines.push('', `${o.address} · every ${o.intervalMs / 1000}s · q quit · s sort (${sort}) · l level (${level})`.slice(0, width));
    out.write('\x1b[H' + lines.map((l) => `${l}\x1b[K`).join('\n') + '\x1b[J');
    busy = false;
  };
  out.write('\x1b[?1049h\x1b[?25l');
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  out.on('resize', () => void draw());
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', (buf: Buffer) => {
      const k = buf.toString();
      if (k === 'q' || k === '\x03') quit();
      else if (k === 's') sort = sort === 'watts' ? 'joules' : 'watts';
      else if (k === 'l') level = DASHBOARD_LEVELS[(DASHBOARD_LEVELS.indexOf(level) + 1) % DASHBOARD_LEVELS.length];
      else return;
      void draw();
    });
  }
  await draw();
  timer = setInterval(() => void draw(), o.intervalMs);
}

/** Registers `powerplane top`. */
export function registerDashboardCommands(program: Command): void {
  program
    .command('top')
    .description(`live table of the top workloads by power, from an agent's JSON API (default ${TOP_DEFAULT_ADDRESS})`)
    .option('--address <url>', 'agent (or `powerplane up`) base URL', TOP_DEFAULT_ADDRESS)
    .option('--level <level>', `workload level: ${DASHBOARD_LEVELS.join('|')}`, 'process')
    .option('--interval <duration>', 'refresh interval on a TTY', '5s')
    .option('--top <n>', 'rows to show (default: fit the terminal; 20 when not a TTY)')
    .option('--sort <column>', `sort by ${TOP_SORTS.join('|')}`, 'watts')
    .option('--once', 'print one table and exit (the default when stdout is not a TTY)')
    .action(
      action(async (raw: Record<string, unknown>) => {
        const o = parseTopOptions(raw);
        if (o.once || !process.stdout.isTTY) await printOnce(o);
        else await runLive(o);
      }),
    );
}
