// The engine's memory, measured alone: `node --expose-gc out-bench/memory-child.js FILE` reads a
// scenario and analyses it, as `drvmap check` does, in a process that loads nothing but the
// engine. Its peak RSS is then the engine's (Node itself, the text and the analysis), not the
// benchmark orchestrator's code or the generator's garbage. Prints the figures as one JSON line.
import { readFileSync } from 'node:fs';
import { measureMemory } from './engine-bench';

const file = process.argv[2];
if (!file) {
  console.error('usage: memory-child FILE');
  process.exit(2);
}
process.stdout.write(JSON.stringify(measureMemory(readFileSync(file, 'utf8'))) + '\n');
