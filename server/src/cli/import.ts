// `drvmap import strace FILE` / `drvmap import maps FILE`: a capture turned into a scenario.
// The scenario goes to stdout; every input line that was not imported goes to stderr with its
// reason. Exit 0 when the file was read (whatever was skipped), 1 when nothing was imported and
// some line could not be read as the format at all, 2 for bad usage or an unreadable file.
// Parses its own arguments (main.ts hands it everything after `import`).
import { describeReadError, readInputText } from './read-input';
import { basename, resolve } from 'node:path';
import { importProcMaps, NOT_A_MAPS_LINE } from '../engine/import/proc-maps';
import {
  NOT_A_STRACE_LINE,
  STRACE_CAPTURE_COMMAND,
  STRACE_IMPORTED_CALLS,
  importStrace,
} from '../engine/import/strace';
import { singleOption, splitOptions, UsageError } from './args';
import type { CliIo } from './io';
import { printable } from '../engine/printable';

export const IMPORT_HELP = `Usage: drvmap import strace [--pid PID] FILE
       drvmap import maps FILE

Turns a capture into a scenario of raw syscalls, printed on stdout:
  strace   output of \`${STRACE_CAPTURE_COMMAND}\` (-y: fds with their paths):
           its ${STRACE_IMPORTED_CALLS.slice(0, -1).join(', ')} and ${STRACE_IMPORTED_CALLS.at(-1)} calls become steps
  maps     a /proc/PID/maps dump (each mapping becomes an mmap at its address)
FILE may be - for stdin. Lines that are not imported are listed on stderr with the reason.

Options:
  --pid PID   strace only: import the calls of process PID (of an \`strace -f\` capture) and
              what it started from: with -o, the first process's calls before PID's first;
              without -o, the lines without a pid before the first fork, and after it once
              every other process has exited (docs/cli.md)

Exit codes: 0 imported (even with skipped lines), 1 nothing imported and lines not in the
format (another capture, or an strace option the importer does not read), 2 bad usage or
unreadable input.
`;

export function runImport(argv: readonly string[], io: CliIo): number {
  // Read as check and trace read theirs: an unknown or repeated option is named, `--` ends them.
  let args: readonly string[];
  let pid: string | undefined;
  try {
    const split = splitOptions(argv, { values: ['--pid'], flags: [] }, 'import');
    if (split === 'help') {
      io.write(IMPORT_HELP);
      return 0;
    }
    args = split.positional;
    pid = singleOption(split, '--pid', 'import');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error(printable(`drvmap: ${error.message}\nRun \`drvmap import --help\` for usage.\n`));
    return 2;
  }
  if (pid !== undefined && !/^\d+$/.test(pid)) {
    io.error(
      `drvmap: --pid takes a process id, such as --pid 1234\nRun \`drvmap import --help\` for usage.\n`,
    );
    return 2;
  }
  const [format, file, ...rest] = args;
  if (pid !== undefined && format === 'maps') {
    io.error('drvmap: --pid is for strace captures; a /proc/PID/maps dump is one process already\n');
    return 2;
  }
  if ((format !== 'strace' && format !== 'maps') || file === undefined || rest.length > 0) {
    io.error(
      `drvmap: ${format !== 'strace' && format !== 'maps' ? (format === undefined ? 'import needs a format, strace or maps, and a FILE' : `import takes strace or maps, not \`${format}\``) : rest.length > 0 ? 'import takes one FILE' : 'import needs a FILE'}\nRun \`drvmap import --help\` for usage.\n`,
    );
    return 2;
  }
  let text: string;
  try {
    text = file === '-' ? io.readStdin() : readInputText(resolve(io.cwd, file));
  } catch (error) {
    io.error(printable(`drvmap: cannot read ${file}: ${describeReadError(error)}\n`));
    return 2;
  }
  const title = `imported from ${file === '-' ? (format === 'strace' ? 'strace' : '/proc/PID/maps') : basename(file)}`;
  const result = format === 'strace' ? importStrace(text, title, { pid }) : importProcMaps(text, title);
  if (pid !== undefined && !result.processes?.includes(pid)) {
    const seen = result.processes?.length
      ? `processes in it: ${result.processes.join(', ')}`
      : 'it names no process';
    io.error(printable(`drvmap: process ${pid} is not in ${file} (${seen})\n`));
    return 2;
  }
  io.write(result.scenario.endsWith('\n') ? result.scenario : `${result.scenario}\n`);
  // Said at the top of the scenario too; here as well, for a scenario redirected to a file.
  for (const warning of result.warnings ?? []) io.error(`${printable(file)}: warning: ${warning}\n`);
  const skipped = result.lines.filter((l) => l.status === 'skipped');
  // The capture's own text, which may hold terminal escapes: shown escaped.
  for (const l of skipped)
    io.error(
      `${printable(file)}:${l.line}: skipped: ${printable(l.reason ?? 'not imported')}: ${printable(l.text)}\n`,
    );
  const imported = result.lines.length - skipped.length;
  if (skipped.length > 0) io.error(`drvmap: imported ${imported} line(s), skipped ${skipped.length}\n`);
  const unread = skipped.filter((l) => l.reason === NOT_A_STRACE_LINE || l.reason === NOT_A_MAPS_LINE);
  if (imported > 0 || unread.length === 0) return 0;
  // An empty scenario from lines the importer could not read is no import: a script that goes on
  // to check it would check nothing. A capture of only calls drvmap does not model was read: 0.
  io.error(
    printable(
      `drvmap: nothing imported from ${file}: ${unread.length} line(s) are not ${format === 'strace' ? 'lines strace prints as the importer reads them (another capture, or an strace option it does not read?)' : '/proc/PID/maps lines'}\n`,
    ),
  );
  return 1;
}
