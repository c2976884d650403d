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

const argv = process.argv.slice(2);
// `drvmap explore` and `drvmap import` are their own modules, with their own arguments.
process.exitCode =
  argv[0] === 'explore'
    ? runExplore(argv.slice(1), nodeIo())
    : argv[0] === 'import'
      ? runImport(argv.slice(1), nodeIo())
      : runCli(argv, nodeIo());
