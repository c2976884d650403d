// Reading the CLI's inputs and writing its output files, with errors a person can act on.
//
// An input is read in bounded chunks rather than with readFileSync: a device such as /dev/zero
// never ends, and readFileSync would grow its buffer until the process aborts. Pipes (`<(…)`,
// /dev/stdin) are read the same way, so `drvmap check <(generate)` keeps working. An input is
// opened non-blocking, so that a named pipe (FIFO) with no writer, whose open would wait for one
// forever, is refused instead; a pipe with a writer that has not written yet is waited for.
// The bytes are decoded as the editor decodes them (protocol/text-decoding.ts): a leading
// byte-order mark is dropped, UTF-16 with one is read as such, so that columns match what the
// editor shows; UTF-16 without one is refused with that reason.
//
// An output file is written to a temporary file in its directory and renamed over the path, so a
// symbolic link at the path is replaced, never followed, and a reader never sees half a report;
// a path that is one of the inputs is refused, not overwritten.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeText, TextDecodingError } from '../../../protocol/text-decoding';

/** The largest input drvmap reads: a 200k-step scenario is about 7 MiB, an 80k-line strace log 6 MiB. */
export const MAX_INPUT_BYTES = 128 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/** Flags Windows lacks (undefined there): opening without them is what it can do. */
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** An input or output that failed for a reason the message states (no stack trace). */
export class InputError extends Error {}

/** Waits `ms` without spinning (a pipe whose writer has not written yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Whether `path` names a pipe in the file system (mkfifo), as opposed to an anonymous pipe
 * reached through /dev/fd or /dev/stdin (`<(…)`, `cmd | drvmap check /dev/stdin`), whose link
 * leads to no file: `pipe:[1234]`.
 */
function isNamedPipe(path: string): boolean {
  try {
    return statSync(realpathSync.native(path)).isFIFO();
  } catch {
    return false;
  }
}

/** The text of `path` (`fd` 0 for standard input), decoded by its byte-order mark (dropped). */
export function readInputText(path: string | 0): string {
  const fd = path === 0 ? 0 : openSync(path, constants.O_RDONLY | O_NONBLOCK);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const fifo = path !== 0 && fstatSync(fd).isFIFO();
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, CHUNK, null);
      } catch (error) {
        // A non-blocking input (standard input, a pipe) with nothing yet, or one that ended.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          pause(10);
          continue;
        }
        if (code === 'EOF') break;
        throw error;
      }
      if (n === 0) {
        // Opened non-blocking, a named pipe with no writer reads as ended at once: it is not
        // empty, nobody is writing it (a FIFO met in a checkout, or a writer that has yet to open it).
        if (fifo && total === 0 && isNamedPipe(path))
          throw new InputError(
            'a named pipe (FIFO) with no writer; drvmap does not wait for one (to wait, read it as standard input: `- < FIFO`)',
          );
        break;
      }
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
  try {
    return decodeText(Buffer.concat(chunks, total));
  } catch (error) {
    if (error instanceof TextDecodingError) throw new InputError(error.message);
    throw error;
  }
}

/** What a file that is not a regular file is, for the message that refuses it. */
export function describeFileKind(stat: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a file';
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

/** The file a path leads to (through links), or undefined when there is none. */
function fileIdentity(path: string | number): BigIntStats | undefined {
  try {
    return typeof path === 'number' ? fstatSync(path, { bigint: true }) : statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

function sameFile(a: BigIntStats | undefined, b: BigIntStats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** A file a command read: its absolute path (`-` for standard input) and the path it shows. */
export interface ReadInput {
  readonly path: string;
  readonly shown: string;
}

/** Where an output that is not a file to replace goes instead: this process's own streams. */
export interface StandardStreams {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Writes an output file; a failure is an InputError naming the file and the reason.
 *
 * - An output that leads to one of `inputs` (by its name, through a link, or a hard link) is
 *   refused: the report would replace what was read.
 * - An output that leads to this process's standard output or error (`/dev/stdout`,
 *   `/dev/stderr`) is written there.
 * - A device or a pipe named directly (`/dev/null`) is written in place.
 * - Anything else (a new file, a file, a symbolic link) is written to a temporary file in the
 *   same directory and renamed over the path: a link there is replaced, not followed.
 */
export function writeOutputFile(
  path: string,
  shown: string,
  text: string,
  inputs: readonly ReadInput[] = [],
  streams?: StandardStreams,
): void {
  const target = fileIdentity(path);
  if (target?.isFile())
    for (const input of inputs)
      if (sameFile(target, fileIdentity(input.path === '-' ? 0 : input.path)))
        throw new InputError(
          `cannot write ${shown}: it is the input ${input.shown}, which the report would replace; write the report elsewhere`,
        );
  if (streams && sameFile(target, fileIdentity(1))) return streams.stdout(text);
  if (streams && sameFile(target, fileIdentity(2))) return streams.stderr(text);
  try {
    let existing;
    try {
      existing = lstatSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (existing && !existing.isFile() && !existing.isSymbolicLink()) {
      // Nothing to replace it with: written in place, never through a link put there meanwhile.
      const fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC | O_NOFOLLOW);
      try {
        writeFileSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return;
    }
    writeReplacing(path, text, existing?.isFile() ? existing.mode & 0o777 : 0o666);
  } catch (error) {
    throw new InputError(`cannot write ${shown}: ${describeReadError(error)}`);
  }
}

/** Writes a new file beside `path` and renames it over `path` (a link there is replaced). */
function writeReplacing(path: string, text: string, mode: number): void {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`,
  );
  // `wx`: created anew (O_EXCL), so a link someone put at the temporary name is not followed.
  writeFileSync(temp, text, { flag: 'wx', mode });
  try {
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
    throw error;
  }
}
