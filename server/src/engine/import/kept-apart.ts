// Private file lines the kernel kept apart where the model, replaying them as plain maps, would
// merge them: adjacent lines of one file, one protection, contiguous offsets (facts linux-mm
// §1.2 "VMA merging"). Something the capture does not show kept them apart, most often ld.so: a
// library's RELRO segment is mapped writable, relocated and then made read-only (a read-only
// segment before it, at contiguous offsets, looks the same in maps). What keeps such lines apart
// in the kernel, and so in the replay:
// - A line that was writable keeps VM_ACCOUNT when mprotect makes it read-only (mprotect_fixup:
//   a private mapping made writable is charged, and the charge is not given back), and it has an
//   anon_vma once written: its vm_flags differ from a never-written neighbour's. Of a run of such
//   lines every second one is made so, so no two neighbours are alike.
// - Writable lines all have VM_ACCOUNT: what keeps them apart is an anon_vma each
//   (is_mergeable_anon_vma: two different ones never merge). Each is written (populate); one made
//   next to a written neighbour would take the neighbour's anon_vma on its first write
//   (find_mergeable_anon_vma) or merge with it when mapped, so all but the first made are made
//   elsewhere, written, and moved to their address (a move keeps its anon_vma: copy_vma).
import { formatHex } from '../numbers';
import { uniqueName, type UsedNames } from './unique-name';

/** A private file line of the capture: `index` is its position (capture order). */
export interface FileLine {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly offset: bigint;
  /** Which object it maps (path and inode). */
  readonly object: string;
  readonly writable: boolean;
  /** Its protection and sharing, as the maps line writes them. */
  readonly perms: string;
}

/** How a line is made so that it stays apart from its neighbour. */
export type Separation = 'written-then-protected' | 'written' | 'written-and-moved';

/** The lines that need a Separation, by index; every other line is made as a plain map. */
export function separations(lines: readonly FileLine[]): Map<number, Separation> {
  const result = new Map<number, Separation>();
  for (const run of mergingRuns(lines)) separateRun(run, result);
  return result;
}

/**
 * Anonymous lines (and private /dev/zero, which the replay makes anonymous) kept apart: every
 * second line of a run that plain maps would merge is made with MAP_NORESERVE, which sets
 * VM_NORESERVE (and leaves VM_ACCOUNT off), so its flags differ from its neighbours' and they do
 * not merge. Writing the lines, as for file lines, would commit memory the capture never held
 * (a 512 GiB PROT_NONE reservation is ENOMEM made writable). Their FileLine `offset` is their
 * start, as new anonymous VMAs' pgoffs follow their addresses.
 */
export function noreserveLines(lines: readonly FileLine[]): Set<number> {
  const result = new Set<number>();
  for (const run of mergingRuns(lines)) run.forEach((line, k) => k % 2 === 1 && result.add(line.index));
  return result;
}

/** The runs of two or more lines, by address, of which each would merge with the next. */
function mergingRuns(lines: readonly FileLine[]): FileLine[][] {
  const sorted = [...lines].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const runs: FileLine[][] = [];
  let run: FileLine[] = [];
  for (const line of sorted) {
    const before = run[run.length - 1];
    if (before !== undefined && !wouldMerge(before, line)) {
      if (run.length > 1) runs.push(run);
      run = [];
    }
    run.push(line);
  }
  if (run.length > 1) runs.push(run);
  return runs;
}

/** Adjacent, one object, one protection, contiguous offsets: plain maps of them merge. */
function wouldMerge(left: FileLine, right: FileLine): boolean {
  return (
    left.end === right.start &&
    left.object === right.object &&
    left.perms === right.perms &&
    left.offset + (left.end - left.start) === right.offset
  );
}

function separateRun(run: readonly FileLine[], result: Map<number, Separation>): void {
  if (!run[0]!.writable) {
    run.forEach((line, k) => {
      if (k % 2 === 1) result.set(line.index, 'written-then-protected');
    });
    return;
  }
  const firstMade = run.reduce((m, l) => (l.index < m.index ? l : m));
  for (const line of run) result.set(line.index, line === firstMade ? 'written' : 'written-and-moved');
}

/**
 * The steps that make a private file line apart from the neighbour it would merge with
 * (the header says why each way keeps it apart). `populate` writes nothing: its write faults
 * copy the file's pages, so each line reads what the capture's did.
 */
export function madeApart(
  apart: Separation,
  binding: string,
  row: { readonly start: bigint; readonly end: bigint },
  prot: string,
  source: string,
  used: UsedNames,
): string[] {
  const length = formatHex(row.end - row.start);
  const at = formatHex(row.start);
  switch (apart) {
    case 'written-then-protected':
      return [
        `  # a VMA of its own in the capture, where plain maps would merge: mapped writable and written, then made ${prot} (as ld.so makes RELRO), it keeps VM_ACCOUNT and its anon_vma (mprotect_fixup), which its neighbours lack`,
        `  ${binding} = mmap ${length} ${prot === 'rx' ? 'rwx' : 'rw'} private populate at ${at} fixed${source}`,
        `  mprotect ${binding}, ${length}, ${prot}`,
      ];
    case 'written':
      return [
        `  # a VMA of its own in the capture, where plain maps would merge: written (populate), so that it has an anon_vma, and its neighbours other ones`,
        `  ${binding} = mmap ${length} ${prot} private populate at ${at} fixed${source}`,
      ];
    case 'written-and-moved': {
      const made = uniqueName(`${binding}_made`, used);
      return [
        `  # a VMA of its own in the capture, where plain maps would merge: written (populate) elsewhere, so that its anon_vma is its own (find_mergeable_anon_vma would share its neighbour's), then moved to its address`,
        `  ${made} = mmap ${length} ${prot} private populate${source}`,
        `  ${binding} = mremap ${made}, ${length}, ${length}, maymove | fixed, ${at}`,
      ];
    }
  }
}
