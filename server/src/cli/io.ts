// What the CLI needs from the outside world, in one small interface so that tests can run every
// command in-process and capture what it prints.
import { resolve } from 'node:path';
import type { ColorMode } from './args';
import { readInputText, writeOutputFile, type ReadInput } from './read-input';

export interface CliIo {
  readonly cwd: string;
  /** Standard output. */
  write(text: string): void;
  /** Standard error. */
  error(text: string): void;
  readStdin(): string;
  /**
   * Writes a command's result to stdout, or to `outputPath` (relative to cwd) when given, which
   * must not be one of `inputs`, the files the command read (read-input.ts writeOutputFile).
   */
  emit(text: string, outputPath: string | undefined, inputs?: readonly ReadInput[]): void;
  /** Whether to colour output written to stdout for this mode (never when writing to a file). */
  useColor(mode: ColorMode, toFile: boolean): boolean;
}

/**
 * The FORCE_COLOR values that turn colour on, as Node reads the variable (lib/internal/tty.js
 * getColorDepth: `1`, `true`, and the depths `2`, `3`); any other value (`0`, `false`) turns it
 * off, on a terminal too. Empty is taken as unset, as NO_COLOR's empty value is
 * (https://force-color.org: "present and not an empty string"), where Node would force colour.
 */
const FORCE_COLOR_ON: ReadonlySet<string> = new Set(['1', '2', '3', 'true']);

/**
 * Colour rules: `--color`/`--no-color` decide; otherwise never when NO_COLOR is set to a
 * non-empty value (https://no-color.org), then as a non-empty FORCE_COLOR says (FORCE_COLOR_ON),
 * else only on a terminal that is not `dumb`.
 */
export function decideColor(
  mode: ColorMode,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR) return FORCE_COLOR_ON.has(env.FORCE_COLOR);
  return isTTY && env.TERM !== 'dumb';
}

export function nodeIo(): CliIo {
  const cwd = process.cwd();
  return {
    cwd,
    write: (text) => {
      process.stdout.write(text);
    },
    error: (text) => {
      process.stderr.write(text);
    },
    readStdin: () => readInputText(0),
    emit(text, outputPath, inputs = []) {
      if (outputPath === undefined) this.write(text);
      else
        writeOutputFile(resolve(cwd, outputPath), outputPath, text, inputs, {
          stdout: (t) => this.write(t),
          stderr: (t) => this.error(t),
        });
    },
    useColor: (mode, toFile) => !toFile && decideColor(mode, process.env, process.stdout.isTTY === true),
  };
}

/** An in-memory CliIo for tests: collects stdout and stderr. */
export function memoryIo(
  cwd: string,
  options: { stdin?: string; color?: boolean } = {},
): CliIo & { stdout: string; stderr: string } {
  const io = {
    cwd,
    stdout: '',
    stderr: '',
    write(text: string) {
      io.stdout += text;
    },
    error(text: string) {
      io.stderr += text;
    },
    readStdin: () => options.stdin ?? '',
    emit(text: string, outputPath: string | undefined, inputs: readonly ReadInput[] = []) {
      if (outputPath === undefined) io.write(text);
      else writeOutputFile(resolve(cwd, outputPath), outputPath, text, inputs);
    },
    useColor: (mode: ColorMode, toFile: boolean) => !toFile && decideColor(mode, {}, options.color ?? false),
  };
  return io;
}
