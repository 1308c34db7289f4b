/**
 * @module agent/calibration/recorder
 * Self-calibration samples: with a measured meter, each refresh appends one CSV row of node features
 * and measured watts per zone to a rolling file (`calibration.file`), which the model trainer reads.
 * Rows are appended; when the file holds 10% more rows than `calibration.maxSamples` it is rewritten
 * atomically with the newest `maxSamples` rows, so it stays bounded and a reader never sees a torn file
 * (only a possibly incomplete last row after a crash, which readers skip).
 */
import { readFileSync, existsSync, renameSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import type { Logger } from '../../core/logger.js';
import { writeFileAtomic } from '../../core/fs.js';
import { watts, type AgentSnapshot } from '../monitor/snapshot.js';

/** Feature columns recorded, in order. */
export const CALIBRATION_FEATURES = ['cpu_busy_ratio', 'bpf_cpu_time_ms', 'bpf_cpu_time_ms_prev'] as const;

/** The CSV header for a zone list: timestamp, features, then `<zone>_watts` per zone. */
export function calibrationHeader(zones: readonly string[]): string {
  return ['timestamp', ...CALIBRATION_FEATURES, ...zones.map((z) => `${z}_watts`)].join(',');
}

/** One CSV row for a snapshot (undefined for the first refresh, which has no interval, and for an interval with a meter gap). */
export function calibrationRow(s: AgentSnapshot): string | undefined {
  if (!(s.intervalSeconds > 0) || s.zones.some((z) => z.gap)) return undefined;
  const f = CALIBRATION_FEATURES.map((k) => String(s.features[k] ?? 0));
  const z = s.zones.map((zone) => watts(zone.deltaUj, s.intervalSeconds).toFixed(6));
  return [new Date(s.timestamp).toISOString(), ...f, ...z].join(',');
}

/** Appends calibration rows to a bounded rolling CSV file. */
export class CalibrationRecorder {
  private rows: number;
  private readonly header: string;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    zones: readonly string[],
    private readonly maxSamples: number,
    private readonly log: Logger,
  ) {
    this.header = calibrationHeader(zones);
    this.rows = 0;
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const firstLine = text.slice(0, text.indexOf('\n') < 0 ? undefined : text.indexOf('\n'));
      if (firstLine === this.header) this.rows = text.split('\n').filter((l) => l.length > 0).length - 1;
      else {
        const moved = `${file}.prev`;
        renameSync(file, moved);
        log.warn({ file, moved }, 'calibration file has other columns; moved aside');
      }
    }
  }

  /** Queues the row of a snapshot; writes are serialised. */
  record(s: AgentSnapshot): Promise<void> {
    const row = calibrationRow(s);
    if (row === undefined) return this.chain;
    this.chain = this.chain.then(() => this.write(row)).catch((err: unknown) => this.log.warn({ err, file: this.file }, 'calibration write failed'));
    return this.chain;
  }

  private async write(row: string): Promise<void> {
    if (this.rows === 0 && !existsSync(this.file)) await writeFileAtomic(this.file, this.header + '\n');
    await appendFile(this.file, row + '\n');
    this.rows++;
    if (this.rows > Math.ceil(this.maxSamples * 1.1)) {
      const lines = readFileSync(this.file, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0);
      const keep = lines.slice(1).slice(-this.maxSamples);
      await writeFileAtomic(this.file, [this.header, ...keep].join('\n') + '\n');
      this.rows = keep.length;
    }
  }
}
