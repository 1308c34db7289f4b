/**
 * The `powerplane` CLI as a user runs it (the entry point through tsx, from the repository root), for
 * integration tests: run a command to completion, or spawn a long-running one and wait until it is up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './shared-data.js';

/** The CLI entry point. */
export const POWERPLANE_MAIN = join(REPO_ROOT, 'src/cli/main.ts');

/** The command line that starts the CLI (node with tsx, then the entry point); append the arguments. */
export const POWERPLANE_COMMAND: readonly string[] = [process.execPath, '--import', 'tsx', POWERPLANE_MAIN];

/** A loopback port that was free a moment ago (for flags that need the port before the process starts). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Options of {@link runPowerplane} and {@link spawnPowerplane}. */
export interface PowerplaneRunOptions {
  /** Variables added to this process's environment. */
  env?: Record<string, string>;
}

/** What a finished command gave back. */
export interface PowerplaneResult {
  /** Exit code (null when a signal ended it). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `powerplane <args>` to completion; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runPowerplane(args: string[], opts: PowerplaneRunOptions = {}): Promise<PowerplaneResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Options of {@link spawnPowerplane}. */
export interface SpawnPowerplaneOptions extends PowerplaneRunOptions {
  /**
   * Resolve only once stdout or stderr matches this; its first group, when it has one, becomes `url`.
   * Without it the promise resolves at once.
   */
  ready?: RegExp;
  /** How long to wait for `ready` before the process is stopped and the promise rejects (default 120 s). */
  timeoutMs?: number;
}

/** A running `powerplane` process. */
export interface PowerplaneProcess {
  proc: ChildProcess;
  /** The first group of `ready` (e.g. the URL the command printed); '' without one. */
  url: string;
  /** The text `ready` matched; '' without `ready`. */
  line: string;
  /** All it wrote to stdout so far. */
  stdout(): string;
  /** All it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (unless it has exited) and resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `powerplane <args>`; with `ready`, waits until its output matches (rejecting with its output if it exits first). */
export async function spawnPowerplane(args: string[], opts: SpawnPowerplaneOptions = {}): Promise<PowerplaneProcess> {
  const proc = spawnCli(args, opts);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    return exited;
  };
  const handle: PowerplaneProcess = { proc, url: '', line: '', stdout: () => out, stderr: () => err, exited, stop };
  const ready = opts.ready;
  if (!ready) return handle;
  const what = `powerplane ${args[0] ?? ''}`.trim();
  try {
    const m = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${what} printed nothing matching ${ready} in ${opts.timeoutMs ?? 120_000} ms:\n${out}${err}`)),
        opts.timeoutMs ?? 120_000,
      );
      const check = () => {
        const m = ready.exec(out) ?? ready.exec(err);
        if (m) finish(undefined, m);
      };
      const onExit = (code: number | null) => finish(new Error(`${what} exited with ${code} before it was ready:\n${out}${err}`));
      function finish(e?: Error, m?: RegExpExecArray) {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        proc.stderr!.off('data', check);
        proc.off('exit', onExit);
        if (e) reject(e);
        else resolve(m!);
      }
      proc.stdout!.on('data', check);
      proc.stderr!.on('data', check);
      proc.once('exit', onExit);
      check();
    });
    handle.url = m[1] ?? '';
    handle.line = m[0];
  } catch (e) {
    await stop();
    throw e;
  }
  return handle;
}

/**
 * Starts `powerplane up` on a free loopback port (JSON logs at warn) with `args` and waits for its one
 * "powerplane is up: open URL/ …" line (`line`; `url` is the base URL).
 */
export function startUp(args: string[]): Promise<PowerplaneProcess> {
  return spawnPowerplane(['up', '--web.listen-address', '127.0.0.1:0', '--log.format', 'json', '--log.level', 'warn', ...args], {
    ready: /^powerplane is up: open (http:\/\/[^\s/]+)\/.*$/m,
  });
}

function spawnCli(args: string[], opts: PowerplaneRunOptions): ChildProcess {
  const [node, ...pre] = POWERPLANE_COMMAND;
  return spawn(node, [...pre, ...args], {
    cwd: REPO_ROOT,
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
