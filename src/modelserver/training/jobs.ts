/**
 * @module modelserver/training/jobs
 * Training jobs: a bounded queue run one at a time in the background, each with progress, a result
 * or an error, kept in memory for `GET /api/v1/jobs/{id}` (the newest `keep` finished jobs).
 */
import { randomUUID } from 'node:crypto';
import { PowerplaneError, errorMessage } from '../../core/errors.js';
import { ERR_JOB_QUEUE_FULL } from '../errors.js';

/** Life cycle of a job. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

/** Progress of a running job. */
export interface JobProgress {
  done: number;
  total: number;
  /** done/total in [0,1]. */
  fraction: number;
  message: string;
}

/** What `GET /api/v1/jobs/{id}` returns. */
export interface JobView {
  id: string;
  state: JobState;
  /** What was asked for (a summary of the request, no data). */
  request: Record<string, unknown>;
  progress: JobProgress;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  result?: unknown;
  error?: { code: string; message: string; field?: string };
}

/** Reports progress from inside a job. */
export type ProgressReporter = (done: number, total: number, message: string) => void;

/** A job's work; `signal` aborts when the queue closes (the job should stop and reject). */
export type JobRunner = (report: ProgressReporter, signal: AbortSignal) => Promise<unknown>;

/** Options of {@link JobQueue}. */
export interface JobQueueOptions {
  /** Jobs waiting (not counting the running one) before submit is refused (default 16). */
  maxQueued?: number;
  /** Finished jobs remembered (default 100). */
  keep?: number;
  onError?: (job: JobView, err: unknown) => void;
}

/** Runs submitted jobs one after the other. */
export class JobQueue {
  private readonly jobs = new Map<string, JobView>();
  private readonly waiting: Array<{ view: JobView; run: JobRunner }> = [];
  private readonly finished: string[] = [];
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private closed = false;
  private readonly maxQueued: number;
  private readonly keep: number;
  private readonly onError: (job: JobView, err: unknown) => void;

  constructor(opts: JobQueueOptions = {}) {
    this.maxQueued = opts.maxQueued ?? 16;
    this.keep = opts.keep ?? 100;
    this.onError = opts.onError ?? (() => undefined);
  }

  /** Queues a job; returns its view at once. Throws PP_MODELSERVER_QUEUE_FULL when the queue is full. */
  submit(request: Record<string, unknown>, run: JobRunner): JobView {
    if (this.closed) throw ERR_JOB_QUEUE_FULL('the model server is shutting down');
    if (this.waiting.length >= this.maxQueued) throw ERR_JOB_QUEUE_FULL(`${this.waiting.length} training jobs are already queued; try again later`);
    const view: JobView = {
      id: randomUUID(),
      state: 'queued',
      request,
      progress: { done: 0, total: 1, fraction: 0, message: 'queued' },
      createdAt: new Date().toISOString(),
    };
    this.jobs.set(view.id, view);
    this.waiting.push({ view, run });
    this.pump();
    return { ...view };
  }

  /** A snapshot of a job, or undefined. */
  get(id: string): JobView | undefined {
    const j = this.jobs.get(id);
    return j ? structuredClone(j) : undefined;
  }

  /** Snapshots of all remembered jobs, newest first. */
  list(): JobView[] {
    return [...this.jobs.values()].reverse().map((j) => structuredClone(j));
  }

  /** Resolves when no job is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Refuses new jobs, fails the queued ones, aborts the running one and waits for it to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { view } of this.waiting.splice(0)) this.finish(view, undefined, new Error('the model server shut down before the job started'));
    this.abort?.abort(new Error('the model server shut down during the job'));
    await this.idle();
  }

  private pump(): void {
    if (this.running) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.running = this.execute(next.view, next.run).finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async execute(view: JobView, run: JobRunner): Promise<void> {
    view.state = 'running';
    view.startedAt = new Date().toISOString();
    view.progress = { done: 0, total: 1, fraction: 0, message: 'starting' };
    const report: ProgressReporter = (done, total, message) => {
      view.progress = { done, total, fraction: total > 0 ? Math.min(1, done / total) : 0, message };
    };
    this.abort = new AbortController();
    try {
      const result = await run(report, this.abort.signal);
      this.finish(view, result);
    } catch (err) {
      this.onError(view, err);
      this.finish(view, undefined, err);
    } finally {
      this.abort = undefined;
    }
  }

  private finish(view: JobView, result: unknown, err?: unknown): void {
    view.finishedAt = new Date().toISOString();
    if (err === undefined) {
      view.state = 'succeeded';
      view.result = result;
      view.progress = { ...view.progress, done: view.progress.total, fraction: 1, message: 'done' };
    } else {
      view.state = 'failed';
      view.error =
        err instanceof PowerplaneError
          ? { code: err.code, message: err.message, ...(typeof err.details.field === 'string' ? { field: err.details.field } : {}) }
          : { code: 'PP_INTERNAL', message: errorMessage(err) };
    }
    this.finished.push(view.id);
    while (this.finished.length > this.keep) this.jobs.delete(this.finished.shift()!);
  }
}
