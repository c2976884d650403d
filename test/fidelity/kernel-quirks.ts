// Where the running kernel departs from mainline in a way the model has a setting for, found by
// running a probe program on it once. The simulator's side of the differential tests is then
// configured as this kernel behaves, and the model's default stays mainline's.
import { spawnSync } from 'node:child_process';
import { kernelUnavailable } from './env';
import { encodePrograms, harnessBinary, parseOutput } from './kernel-runner';
import { ARENA_SIZE, type Program } from './program';

const PAGE = 4096;
/** The top of the arena (offsets are arena-relative), where the probe's NULL-hint mmap lands. */
const ARENA_TOP = ARENA_SIZE;

/**
 * Two pages mapped together, split by an mprotect of the upper one, each page read, and the upper
 * one made writable again. Mainline maps the zero page on a read and gives neither half an
 * anon_vma, so the halves merge back: one mapping. A kernel whose read fault gives each half its
 * own anon_vma (KernelConfig.readFaultPreparesAnonVma) leaves two.
 */
const READ_FAULT_PROBE: Program = {
  steps: [
    { op: 'mmap', addr: null, length: 2 * PAGE, prot: 3, flags: 0x22, fdRef: -1, offset: 0 },
    { op: 'mprotect', addr: ARENA_TOP - PAGE, length: PAGE, prot: 1 },
    { op: 'read', addr: ARENA_TOP - 2 * PAGE, length: PAGE },
    { op: 'read', addr: ARENA_TOP - PAGE, length: PAGE },
    { op: 'mprotect', addr: ARENA_TOP - PAGE, length: PAGE, prot: 3 },
  ],
} as Program;

let readFaultAnswer: boolean | undefined;

/** Whether this machine's kernel gives a private anonymous VMA its anon_vma on a read fault. */
export function readFaultPreparesAnonVma(): boolean {
  if (readFaultAnswer !== undefined) return readFaultAnswer;
  readFaultAnswer = false;
  if (kernelUnavailable() !== undefined) return readFaultAnswer;
  const run = spawnSync(harnessBinary(), [], {
    input: encodePrograms([READ_FAULT_PROBE], 'maps'),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the read-fault probe failed: ${run.stderr}`);
  const [result] = parseOutput(run.stdout, [READ_FAULT_PROBE]);
  readFaultAnswer = (result?.finalMaps.length ?? 1) > 1;
  return readFaultAnswer;
}
