// Explorations off the server's thread. An exploration runs the engine once per driver behaviour,
// for up to EXPLORE_BUDGET_MS; on the server's own thread every hover, completion and edit
// waited behind it, and a running one could not be cancelled (the engine is synchronous, so no
// `$/cancelRequest` is read while it runs). Here the jobs run one at a time on a worker thread:
// the server stays responsive, a queued job that is cancelled is dropped, and a running one that
// is cancelled is stopped by ending the thread (the next job starts a new one).
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CancellationToken, Disposable } from 'vscode-languageserver/node';
import { runJob, type ExploreJob, type JobAnswer } from './explore-jobs';
import type { JobReply } from './explore-worker';
import { cancelledError } from './cancellation';

interface Pending {
  readonly id: number;
  readonly job: ExploreJob;
  /** A running job this cancels is stopped (the thread ended); otherwise only a queued one is dropped. */
  readonly stopWhenCancelled: boolean;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: unknown) => void;
  cancelListener?: Disposable;
}

export interface RunOptions {
  readonly token?: CancellationToken;
  /**
   * Whether cancelling the job while it runs stops it. The panel's exploration: yes (seconds of
   * work nobody wants). A lens count: no; it is bounded by LENS_BUDGET_MS, and restarting the
   * thread costs more than letting it end.
   */
  readonly stopWhenCancelled?: boolean;
}

export class ExploreThread {
  private worker: Worker | undefined;
  private running: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  /** Threads started (the first, and one after each stop or crash): for tests and the log. */
  started = 0;

  /**
   * @param script the bundled worker (out/explore-worker.js). When it is missing (an engine loaded
   *   from sources, as in unit tests) the jobs run in-process, as before there was a thread.
   */
  constructor(
    private readonly script: string,
    private readonly log: (message: string) => void,
  ) {}

  run<J extends ExploreJob>(job: J, options: RunOptions = {}): Promise<JobAnswer<J>> {
    const { token } = options;
    if (token?.isCancellationRequested) return Promise.reject(cancelledError());
    if (!existsSync(this.script)) return Promise.resolve(runJob(job));
    return new Promise<JobAnswer<J>>((resolve, reject) => {
      const pending: Pending = {
        id: this.nextId++,
        job,
        stopWhenCancelled: options.stopWhenCancelled ?? true,
        resolve: resolve as (answer: unknown) => void,
        reject,
      };
      if (token) pending.cancelListener = token.onCancellationRequested(() => this.cancel(pending));
      this.queue.push(pending);
      this.startNext();
    });
  }

  /** Ends the thread and answers every job left with RequestCancelled (the server is stopping). */
  dispose(): void {
    const left = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    this.running = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
    for (const p of left) this.settle(p, () => p.reject(cancelledError()));
  }

  private cancel(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(pending, () => pending.reject(cancelledError()));
      return;
    }
    if (this.running !== pending || !pending.stopWhenCancelled) return;
    this.running = undefined;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.settle(pending, () => pending.reject(cancelledError()));
    this.startNext();
  }

  private startNext(): void {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    this.thread().postMessage({ id: next.id, job: next.job });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    this.started++;
    // The thread must not keep a server whose client has gone from exiting.
    worker.unref();
    worker.on('message', (reply: JobReply) => this.answered(worker, reply));
    worker.on('error', (error) => this.ended(worker, `the explore thread failed: ${error.message}`));
    worker.on('exit', (code) => this.ended(worker, `the explore thread ended (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private answered(worker: Worker, reply: JobReply): void {
    const pending = this.running;
    if (worker !== this.worker || !pending || pending.id !== reply.id) return;
    this.running = undefined;
    if ('error' in reply) {
      this.log(`drvmap: exploration failed: ${reply.error}`);
      this.settle(pending, () => pending.reject(new Error(firstLine(reply.error))));
    } else {
      this.settle(pending, () => pending.resolve(reply.answer));
    }
    this.startNext();
  }

  /** The thread ended on its own (a crash, out of memory): its job fails, the next gets a new thread. */
  private ended(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    this.log(`drvmap: ${why}`);
    const pending = this.running;
    this.running = undefined;
    if (pending) this.settle(pending, () => pending.reject(new Error(why)));
    this.startNext();
  }

  private settle(pending: Pending, answer: () => void): void {
    pending.cancelListener?.dispose();
    answer();
  }
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}
