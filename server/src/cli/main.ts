// Entry point of `drvmap` (bundled to out/cli.js; bin/drvmap.js requires it). Sets the exit code
// rather than calling process.exit, so that piped output is flushed first.
import { runCli } from './cli';
import { runExplore } from './explore';
import { runImport } from './import';
import { nodeIo } from './io';

// `drvmap trace big.drvmap | head`: a closed pipe is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const given = process.argv.slice(2);
// `drvmap help explore` is `drvmap explore --help` (and the same for import).
const argv =
  given[0] === 'help' && (given[1] === 'explore' || given[1] === 'import') ? [given[1], '--help'] : given;
// `drvmap explore` and `drvmap import` are their own modules, with their own arguments.
process.exitCode =
  argv[0] === 'explore'
    ? runExplore(argv.slice(1), nodeIo())
    : argv[0] === 'import'
      ? runImport(argv.slice(1), nodeIo())
      : runCli(argv, nodeIo());
