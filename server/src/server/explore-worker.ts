// The explore thread's entry (bundled as out/explore-worker.js): one job per message, answered
// in order. An exploration is synchronous engine work of up to EXPLORE_BUDGET_MS; here it keeps
// the language server's own thread free for hovers and edits, and a cancelled one is stopped by
// ending this thread (explore-thread.ts).
import { parentPort } from 'node:worker_threads';
import { runJob, type ExploreJob } from './explore-jobs';

export interface JobRequest {
  readonly id: number;
  readonly job: ExploreJob;
}

export type JobReply =
  | { readonly id: number; readonly answer: ReturnType<typeof runJob> }
  | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  port.on('message', ({ id, job }: JobRequest) => {
    let reply: JobReply;
    try {
      reply = { id, answer: runJob(job) };
    } catch (error) {
      reply = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(reply);
  });
}
