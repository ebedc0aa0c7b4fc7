/**
 * Long-running calls (analyze, export) run as jobs: the caller names them with a `jobId`, gets
 * `job.progress` events with that id, and can cancel with `job.cancel`. The work itself is
 * cooperative: it yields to the event loop regularly and checks its signal, so a cancel sent
 * over IPC or a socket is seen within one slice.
 */
import type { Method, ServiceEvent } from '../contract';
import { ServiceError } from './errors';
import { currentScope } from './session-scope';

/** What a running job gets: its signal and a throttled progress reporter. */
export interface JobContext {
  readonly signal: AbortSignal;
  /** Reports progress; throttled so a fast loop does not flood the transport. */
  progress(done: number, total: number, phase?: string): void;
  /** Yields to the event loop when the current slice has run long enough; throws if cancelled. */
  checkpoint(): Promise<void>;
}

/** A slice of cooperative work: long enough to amortise the yield, short enough to stay responsive. */
const SLICE_MS = 12;
/** Minimum time between progress events of one job. */
const PROGRESS_MS = 100;

/** Tracks running jobs by id. */
export class Jobs {
  readonly #running = new Map<string, AbortController>();
  #anonymous = 0;
  constructor(private readonly emit: (event: ServiceEvent) => void) {}

  /** Runs `work` as job `jobId` (or an anonymous one); it fails with CANCELLED if cancelled. */
  async run<T>(method: Method, jobId: string | undefined, work: (job: JobContext) => Promise<T>): Promise<T> {
    const id = jobId ?? `anonymous-${++this.#anonymous}`;
    if (this.#running.has(id)) throw new ServiceError('BAD_REQUEST', `bad request to ${method}: job ${id} is already running`);
    const controller = new AbortController();
    this.#running.set(id, controller);
    // A job belongs to the session that started it: the session ending cancels it.
    const unhold = currentScope()?.hold(() => controller.abort()) ?? (() => undefined);
    let sliceStart = performance.now();
    let lastProgress = 0;
    const context: JobContext = {
      signal: controller.signal,
      progress: (done, total, phase) => {
        const now = performance.now();
        if (jobId === undefined || (now - lastProgress < PROGRESS_MS && done !== total)) return;
        lastProgress = now;
        this.emit(phase === undefined
          ? { type: 'job.progress', jobId, method, done, total }
          : { type: 'job.progress', jobId, method, done, total, phase });
      },
      checkpoint: async () => {
        if (performance.now() - sliceStart >= SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
        if (controller.signal.aborted) throw new ServiceError('CANCELLED', `${method} was cancelled`);
      },
    };
    try {
      return await work(context);
    } finally {
      this.#running.delete(id);
      unhold();
    }
  }

  /** Cancels a job; false if no job has that id (it may have finished). */
  cancel(jobId: string): boolean {
    const controller = this.#running.get(jobId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Cancels every job (service shutdown). */
  cancelAll(): void {
    for (const controller of this.#running.values()) controller.abort();
  }
}
