/**
 * Runs `powerplane up` as a user would (the CLI entry point through tsx) and waits for its one
 * "powerplane is up" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared-data.js';

/** A running `powerplane up`. */
export interface UpProcess {
  url: string;
  /** The line `up` printed on stdout. */
  line: string;
  /** What it wrote to stderr so far (logs). */
  stderr(): string;
  stop(): Promise<number | null>;
}

/** Starts `powerplane up` on a free loopback port with `args`; rejects with its stderr if it exits first. */
export function startUp(args: string[]): Promise<UpProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'up', '--web.listen-address', '127.0.0.1:0', '--log.format', 'json', '--log.level', 'warn', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`powerplane up exited with ${code} before it was up:\n${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(powerplane is up: open (http:\/\/[^\s/]+)\/.*)$/m.exec(out);
      if (m) resolve({ url: m[2], line: m[1], stderr: () => err, stop });
    });
  });
}
