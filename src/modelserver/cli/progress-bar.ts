/**
 * @module modelserver/cli/progress-bar
 * A one-line progress bar on a TTY stream (stderr), redrawn in place; silent when not a TTY.
 */

/** A progress display. */
export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  /** Clears the line. */
  done(): void;
}

/** The bar text for a fraction, `width` cells wide. */
export function barText(done: number, total: number, label: string, width = 24): string {
  const f = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${label}`;
}

/** A progress bar on `stream` when it is a TTY; a no-op otherwise. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const cols = () => Math.max(40, (stream.columns ?? 80) - 1);
  return {
    update(done, total, label) {
      stream.write(`\r${barText(done, total, label).slice(0, cols()).padEnd(cols())}`);
    },
    done() {
      stream.write(`\r${' '.repeat(cols())}\r`);
    },
  };
}
