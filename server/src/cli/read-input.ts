// Reading the CLI's inputs and writing its output files, with errors a person can act on.
//
// An input is read in bounded chunks rather than with readFileSync: a device such as /dev/zero
// never ends, and readFileSync would grow its buffer until the process aborts. Pipes (`<(…)`,
// /dev/stdin) are read the same way, so `drvmap check <(generate)` keeps working. A leading
// byte-order mark is dropped, as editors drop it, so that columns match what the editor shows.
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';

/** The largest input drvmap reads: a 200k-step scenario is about 7 MiB, an 80k-line strace log 6 MiB. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/** An input or output that failed for a reason the message states (no stack trace). */
export class InputError extends Error {}

/** The text of `path` (`fd` 0 for standard input), without a leading byte-order mark. */
export function readInputText(path: string | 0): string {
  const fd = path === 0 ? 0 : openSync(path, 'r');
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, CHUNK, null);
      } catch (error) {
        // A non-blocking standard input with nothing yet, or one that ended.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EOF') break;
        throw error;
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES)
        throw new InputError(
          `larger than ${MAX_INPUT_BYTES / (1024 * 1024)} MiB (a device or an endless stream?); drvmap reads scenarios, strace output and maps files`,
        );
      chunks.push(n === CHUNK ? chunk : chunk.subarray(0, n));
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
  const text = Buffer.concat(chunks, total).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Why an input could not be read, in a few words. */
export function describeReadError(error: unknown): string {
  if (error instanceof InputError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENOTDIR') return 'not a directory';
  return error instanceof Error ? error.message : String(error);
}

/** Writes an output file; a failure is an InputError naming the file and the reason. */
export function writeOutputFile(path: string, shown: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new InputError(`cannot write ${shown}: ${describeReadError(error)}`);
  }
}
