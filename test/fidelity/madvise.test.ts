// madvise(2) on the running kernel and on the simulator (server/src/engine/kernel/madvise.ts,
// kernel/lazy-freed.ts for MADV_FREE):
// each program runs on both; every step's outcome, the bytes read and the arena's mappings must
// agree, and both must show what Linux 6.18 was seen to do (the expectations). The simulator's
// side runs without a kernel too, so the expectations also pin the model.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { compareRuns, renderMismatch } from './compare';
import { kernelUnavailable } from './env';
import { runKernelBatch } from './kernel-runner';
import { PAGE, programToString } from './program';
import type { Program, Rle, RunResult, Step } from './program';
import { runSim } from './sim-runner';

const P = PAGE;
const RW = 3;
const PRIVATE_ANON_FIXED = 0x32;
const SHARED_ANON_FIXED = 0x31;
const SHARED_FIXED = 0x11;
const PRIVATE_FIXED = 0x12;
const MAP_LOCKED = 0x2000;
/** MAP_DROPPABLE (a mapping type, 6.11+) | MAP_ANONYMOUS | MAP_FIXED. */
const DROPPABLE_FIXED = 0x38;
const DONTNEED = 4;
const FREE = 8;
const DONTFORK = 10;
const DOFORK = 11;
const WIPEONFORK = 18;
const KEEPONFORK = 19;
/** Not an advice on any Linux (5–7 are unused). */
const BAD_ADVICE = 5;

/** What a step must give on both sides: `ok` or an errno, the bytes read, the arena's maps lines. */
interface Expect {
  readonly outcome?: 'ok' | string;
  readonly bytes?: Rle;
  readonly lines?: number;
}

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly expect: ReadonlyMap<number, Expect>;
}

class Builder {
  readonly steps: Step[] = [];
  readonly expect = new Map<number, Expect>();
  private add(step: Step, expect?: Expect): this {
    if (expect) this.expect.set(this.steps.length, expect);
    this.steps.push(step);
    return this;
  }
  mmap(page: number, pages: number, flags: number, expect?: Expect, fdRef = -1, prot = RW): this {
    return this.add({ op: 'mmap', addr: page * P, length: pages * P, prot, flags, fdRef, offset: 0 }, expect);
  }
  madvise(addr: number, length: number, advice: number, expect: Expect): this {
    return this.add({ op: 'madvise', addr, length, advice }, expect);
  }
  write(page: number, pages: number, byte: number): this {
    return this.add({ op: 'write', addr: page * P, length: pages * P, byte });
  }
  read(page: number, pages: number, bytes: Rle): this {
    return this.add({ op: 'read', addr: page * P, length: pages * P }, { bytes });
  }
  memfd(pages: number): this {
    return this.add({ op: 'memfd', name: 'madv', size: pages * P });
  }
  done(name: string): Case {
    return { name, steps: this.steps, expect: this.expect };
  }
}

const b = () => new Builder();
const fill = (byte: number, pages: number): Rle => [[byte, pages * P]];

const cases: Case[] = [
  // The checks before the walk, in kernel order: the advice first (even for length 0), then the
  // alignment, then the length; length 0 is then a no-op, even where nothing is mapped.
  b()
    .mmap(0, 8, PRIVATE_ANON_FIXED)
    .madvise(1, P, DONTNEED, { outcome: 'EINVAL' })
    .madvise(1, 0, DONTNEED, { outcome: 'EINVAL' })
    .madvise(0, 0, BAD_ADVICE, { outcome: 'EINVAL' })
    .madvise(0, P, BAD_ADVICE, { outcome: 'EINVAL' })
    .madvise(0, -1, DONTNEED, { outcome: 'EINVAL' })
    .madvise(40 * P, P, DONTNEED, { outcome: 'ENOMEM' })
    .madvise(40 * P, 0, DONTNEED, { outcome: 'ok' })
    .done('argument checks: EINVAL for advice, alignment and wrapping length; ENOMEM for nothing mapped'),
  // A hole does not stop madvise (unlike mprotect): the mapping after it is advised too.
  b()
    .mmap(0, 8, PRIVATE_ANON_FIXED)
    .mmap(10, 4, PRIVATE_ANON_FIXED)
    .write(0, 8, 0x61)
    .write(10, 4, 0x62)
    .madvise(6 * P, 6 * P, DONTNEED, { outcome: 'ENOMEM' })
    .read(5, 1, fill(0x61, 1))
    .read(6, 2, fill(0, 2))
    .read(10, 4, [
      [0, 2 * P],
      [0x62, 2 * P],
    ])
    .done('MADV_DONTNEED over a hole: both sides of it are dropped, then ENOMEM'),
  b()
    .mmap(0, 8, PRIVATE_ANON_FIXED)
    .mmap(10, 4, PRIVATE_ANON_FIXED)
    .madvise(6 * P, 6 * P, DONTFORK, { outcome: 'ENOMEM', lines: 4 })
    .madvise(2 * P, 2 * P, DONTFORK, { outcome: 'ok', lines: 6 })
    .madvise(0, 14 * P, DOFORK, { outcome: 'ENOMEM', lines: 2 })
    .done('MADV_DONTFORK splits (over a hole too), MADV_DOFORK merges back'),
  b()
    .mmap(0, 8, PRIVATE_ANON_FIXED)
    .madvise(2 * P, 2 * P, WIPEONFORK, { outcome: 'ok', lines: 3 })
    .madvise(0, 8 * P, KEEPONFORK, { outcome: 'ok', lines: 1 })
    .madvise(0, 1, DONTFORK, { outcome: 'ok', lines: 2 })
    .done('MADV_WIPEONFORK splits, MADV_KEEPONFORK merges; the length rounds up to a page'),
  // VM_DONTCOPY takes part in merging: a new neighbour without it stays a separate VMA.
  b()
    .mmap(0, 4, PRIVATE_ANON_FIXED)
    .madvise(0, 4 * P, DONTFORK, { outcome: 'ok', lines: 1 })
    .mmap(4, 4, PRIVATE_ANON_FIXED, { lines: 2 })
    .madvise(0, 8 * P, DONTFORK, { outcome: 'ok', lines: 1 })
    .done('VM_DONTCOPY differs: no merge with a new neighbour until it has the flag too'),
  b()
    .mmap(0, 4, PRIVATE_ANON_FIXED)
    .write(0, 4, 0x61)
    .madvise(P, P, DONTNEED, { outcome: 'ok', lines: 1 })
    .read(0, 3, [
      [0x61, P],
      [0, P],
      [0x61, P],
    ])
    .done('MADV_DONTNEED on private anonymous memory: zero again, no split'),
  b()
    .mmap(0, 4, SHARED_ANON_FIXED)
    .write(0, 4, 0x73)
    .madvise(0, 4 * P, DONTNEED, { outcome: 'ok' })
    .read(0, 4, fill(0x73, 4))
    .madvise(0, 4 * P, WIPEONFORK, { outcome: 'EINVAL' })
    .madvise(0, 4 * P, KEEPONFORK, { outcome: 'ok' })
    .madvise(0, 2 * P, DONTFORK, { outcome: 'ok', lines: 2 })
    .done('shared anonymous memory keeps its data; MADV_WIPEONFORK is EINVAL on it'),
  b()
    .memfd(4)
    .mmap(8, 4, SHARED_FIXED, undefined, 0)
    .mmap(16, 4, PRIVATE_FIXED, undefined, 0)
    .write(8, 4, 0x6d)
    .write(16, 2, 0x70)
    .madvise(8 * P, 4 * P, DONTNEED, { outcome: 'ok' })
    .read(8, 4, fill(0x6d, 4))
    .madvise(16 * P, 4 * P, DONTNEED, { outcome: 'ok' })
    .read(16, 4, fill(0x6d, 4))
    .madvise(16 * P, 4 * P, WIPEONFORK, { outcome: 'EINVAL' })
    .done('memfd: the shared mapping keeps its data, the private one refaults from the file'),
  b()
    .mmap(2, 4, PRIVATE_ANON_FIXED | MAP_LOCKED)
    .write(2, 4, 0x6c)
    .madvise(2 * P, 4 * P, DONTNEED, { outcome: 'EINVAL' })
    .read(2, 4, fill(0x6c, 4))
    .madvise(2 * P, 2 * P, DONTFORK, { outcome: 'ok', lines: 2 })
    // A hole, then the locked mapping: its EINVAL wins over the hole's ENOMEM.
    .madvise(0, 4 * P, DONTNEED, { outcome: 'EINVAL' })
    .done('MAP_LOCKED: MADV_DONTNEED is EINVAL (after a hole too); MADV_DONTFORK is fine'),
  b()
    .mmap(0, 2, PRIVATE_ANON_FIXED | MAP_LOCKED)
    .mmap(4, 2, PRIVATE_ANON_FIXED)
    .write(4, 2, 0x6f)
    .madvise(0, 6 * P, DONTNEED, { outcome: 'EINVAL' })
    .read(4, 2, fill(0x6f, 2))
    .done('a refusal stops the walk: the mapping after the locked one keeps its data'),
  b()
    .mmap(0, 2, PRIVATE_ANON_FIXED, undefined, -1, 0)
    .madvise(0, 2 * P, DONTNEED, { outcome: 'ok' })
    .madvise(0, P, WIPEONFORK, { outcome: 'ok', lines: 2 })
    .done('PROT_NONE memory takes MADV_DONTNEED and MADV_WIPEONFORK'),
  b()
    .mmap(0, 2, DROPPABLE_FIXED)
    .write(0, 2, 0x07)
    .madvise(0, P, KEEPONFORK, { outcome: 'EINVAL' })
    .madvise(0, P, WIPEONFORK, { outcome: 'ok', lines: 1 })
    .madvise(0, P, DONTNEED, { outcome: 'ok' })
    .read(0, 2, [
      [0, P],
      [0x07, P],
    ])
    .done('MAP_DROPPABLE is always wipe-on-fork: MADV_KEEPONFORK is EINVAL'),
  // MADV_FREE frees lazily: without memory pressure (a test program makes none) the pages keep
  // their data; a write keeps its page for good, MADV_DONTNEED zeroes. Pages never written read 0.
  b()
    .mmap(0, 6, PRIVATE_ANON_FIXED)
    .write(0, 4, 0x61)
    .madvise(0, 6 * P, FREE, { outcome: 'ok', lines: 1 })
    .read(0, 6, [
      [0x61, 4 * P],
      [0, 2 * P],
    ])
    .write(1, 1, 0x62)
    .madvise(2 * P, P, DONTNEED, { outcome: 'ok' })
    .read(0, 4, [
      [0x61, P],
      [0x62, P],
      [0, P],
      [0x61, P],
    ])
    .done('MADV_FREE on private anonymous memory: the old data stays until reclaim; no split'),
  b()
    .mmap(0, 2, PRIVATE_ANON_FIXED)
    .mmap(4, 2, PRIVATE_ANON_FIXED)
    .write(0, 2, 0x66)
    .write(4, 2, 0x67)
    .madvise(0, 6 * P, FREE, { outcome: 'ENOMEM' })
    .read(0, 2, fill(0x66, 2))
    .read(4, 2, fill(0x67, 2))
    .done('MADV_FREE over a hole: ENOMEM after freeing both sides, which keep their data'),
  b()
    .mmap(0, 2, SHARED_ANON_FIXED)
    .write(0, 2, 0x73)
    .madvise(0, 2 * P, FREE, { outcome: 'EINVAL' })
    .read(0, 2, fill(0x73, 2))
    .memfd(2)
    .mmap(4, 2, SHARED_FIXED, undefined, 0)
    .mmap(8, 2, PRIVATE_FIXED, undefined, 0)
    .write(8, 1, 0x70)
    .madvise(4 * P, 2 * P, FREE, { outcome: 'EINVAL' })
    .madvise(8 * P, 2 * P, FREE, { outcome: 'EINVAL' })
    .read(8, 2, [
      [0x70, P],
      [0, P],
    ])
    .done('MADV_FREE is EINVAL on shmem, a shared memfd and a private file mapping (not anonymous)'),
  b()
    .mmap(0, 2, PRIVATE_ANON_FIXED | MAP_LOCKED)
    .mmap(2, 2, PRIVATE_ANON_FIXED)
    .write(2, 2, 0x6c)
    .madvise(0, 4 * P, FREE, { outcome: 'EINVAL' })
    .madvise(2 * P, 2 * P, FREE, { outcome: 'ok' })
    .read(2, 2, fill(0x6c, 2))
    .done('MADV_FREE on MAP_LOCKED memory is EINVAL, and the refusal stops the walk'),
  b()
    .mmap(0, 2, DROPPABLE_FIXED)
    .write(0, 2, 0x07)
    .madvise(0, 2 * P, FREE, { outcome: 'ok' })
    .read(0, 2, fill(0x07, 2))
    .done('MAP_DROPPABLE memory is anonymous: MADV_FREE takes it'),
];

function checkExpectations(c: Case, run: RunResult): string[] {
  const errors: string[] = [];
  if (run.crash !== undefined) return [`crashed: ${run.crashMessage ?? run.crash}`];
  for (const [index, want] of c.expect) {
    const got = run.steps[index];
    if (!got) {
      errors.push(`step ${index}: no result`);
      continue;
    }
    const outcome =
      got.outcome.kind === 'ok'
        ? 'ok'
        : got.outcome.kind === 'errno'
          ? got.outcome.errno
          : got.outcome.signal;
    if (want.outcome !== undefined && outcome !== want.outcome)
      errors.push(`step ${index}: ${outcome}, expected ${want.outcome}`);
    if (want.bytes !== undefined && JSON.stringify(got.bytes) !== JSON.stringify(want.bytes))
      errors.push(`step ${index}: read ${JSON.stringify(got.bytes)}, expected ${JSON.stringify(want.bytes)}`);
    if (want.lines !== undefined && got.maps?.length !== want.lines)
      errors.push(`step ${index}: ${got.maps?.length} maps lines, expected ${want.lines}`);
  }
  return errors;
}

const unavailable = kernelUnavailable();
const programs: Program[] = cases.map((c) => ({ steps: c.steps }));

describe('madvise on the kernel and the simulator', () => {
  let kernelRuns: RunResult[] = [];
  before(async () => {
    if (!unavailable) kernelRuns = await runKernelBatch(programs);
  });
  cases.forEach((c, i) => {
    test(`${c.name} (simulator)`, () => {
      const errors = checkExpectations(c, runSim(programs[i]!));
      assert.deepEqual(errors, [], programToString(programs[i]!));
    });
    test(`${c.name} (kernel, and the simulator agrees)`, { skip: unavailable }, () => {
      const kernel = kernelRuns[i]!;
      assert.deepEqual(checkExpectations(c, kernel), [], programToString(programs[i]!));
      const sim = runSim(programs[i]!);
      const mismatch = compareRuns(programs[i]!, kernel, sim);
      assert.equal(mismatch, undefined, mismatch && renderMismatch(programs[i]!, kernel, sim, mismatch));
    });
  });
});
