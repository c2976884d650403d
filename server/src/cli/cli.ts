// The CLI's dispatcher: argv in, exit code out, all output through a CliIo. main.ts runs it on
// the real process; the tests run it in memory.
import { helpText, parseArgs, UsageError } from './args';
import { runCheck } from './check';
import type { CliIo } from './io';
import { printable } from '../engine/printable';
import { InputError } from './read-input';
import { runTrace } from './trace';
import { TOOL_NAME, TOOL_VERSION } from './version';

export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    const command = parseArgs(argv);
    switch (command.kind) {
      case 'help':
        io.write(helpText(command.topic));
        return 0;
      case 'version':
        io.write(`${TOOL_NAME} ${TOOL_VERSION}\n`);
        return 0;
      case 'check':
        return runCheck(command, io);
      case 'trace':
        return runTrace(command, io);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(
        printable(
          `drvmap: ${error.message}\nRun \`drvmap ${error.topic === 'main' ? '' : error.topic + ' '}--help\` for usage.\n`,
        ),
      );
      return 2;
    }
    if (error instanceof InputError) {
      io.error(printable(`drvmap: ${error.message}\n`));
      return 2;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.error(`drvmap: internal error: ${detail}\n`);
    return 2;
  }
}
