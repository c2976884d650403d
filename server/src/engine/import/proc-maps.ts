// Turns a /proc/PID/maps snapshot into a scenario's initial address space: one fixed mapping per
// line, with its name kept as a comment and in the binding's name. Device mappings
// (/dev/dri/…, anon_inode:i915.gem, /dev/nvidia…) get device backing; memfd and SysV shm are
// shared objects; [heap], [stack] and anonymous lines are private anonymous memory. Lines that
// cannot be mapped from user space ([vsyscall], [vvar], [vdso]) are reported as skipped. The
// lines of one DRM buffer object (a VMA split by mprotect or munmap, a BO mapped twice) are one
// BO, mapped whole from its fake offset and then cut to what the capture shows; so are the lines
// of one NVIDIA mapping split the same way, from offset 0 (bo-groups.ts). In a Wine process's
// capture, a `---p` anonymous line inside the preloader's reservation is one of Wine's reserved
// areas, `reserve … preloaded` (wine-preloader.ts).
import { stringLiteral } from '../syntax/string-literal';
import { printable } from '../printable';
import { formatHex, formatSize } from '../numbers';
import { firstIndex } from '../first-index';
import type { ImportedLine, ImportResult } from './strace';
import { newUsedNames, uniqueName, type UsedNames } from './unique-name';
import {
  groupBufferObjects,
  groupDeviceMappingsAtZero,
  type BoLine,
  type BoMapping,
  type BufferObjectGroup,
} from './bo-groups';
import { ARM64_TASK_SIZE, pmdBytes, X86_64_TASK_SIZE } from '../kernel/config';
import { arm64Capture, highestArm64Address, onLargerPages } from './capture-arch';
import { mapsBelowMinAddr, MIN_ADDR_DEFAULT } from './min-addr';
import { isPrivateDevZero, memfdName, PRIVATE_DEV_ZERO, withoutDeleted } from './object-name';
import { ANON_HUGEPAGE, HUGETLB_NORESERVE } from './hugetlb';
import { madeApart, noreserveLines, separations, type FileLine } from './kept-apart';
import { importedProt } from './prot-word';
import { importedDeviceOffset, NVIDIA_DEVICE, nvidiaMapsMixed } from './nvidia-device';
import { inPreloaderRange, isWinePath, preloadedComment } from './wine-preloader';

/** Why a line is skipped that the importer cannot read at all: not in maps' format. */
export const NOT_A_MAPS_LINE = 'not a /proc/PID/maps line';

/**
 * One line of maps. With the `s` flag, as strace.ts's CALL: a lone CR, U+2028 or U+2029 in the
 * line (the kernel escapes only `\n` in a path) is taken by `.` as any other character; without
 * it `(.*)$` could not reach the end, and the search backtracked through every split of the inode
 * and the blanks before the path, quadratic in the line's length.
 */
const LINE =
  /^([0-9a-f]+)-([0-9a-f]+)\s+([r-])([w-])([x-])([ps])\s+([0-9a-f]+)\s+([0-9a-f]+:[0-9a-f]+)\s+(\d+)\s*(.*)$/is;

export function importProcMaps(text: string, title = 'imported from /proc/PID/maps'): ImportResult {
  const lines: ImportedLine[] = [];
  const out: string[] = [`scenario ${stringLiteral(title)} {`];
  const files = new Map<string, string>();
  const used = newUsedNames();
  const rows = text.split(/\r?\n/);
  const parsed = rows.map(parseLine);
  const sizes = fileSizes(parsed);
  const mappingOf = new Map([
    ...groupBufferObjects(deviceLines(parsed, DRM_NODE)),
    ...groupDeviceMappingsAtZero(
      deviceLines(parsed, NVIDIA_DEVICE).map((l) => ({
        ...l,
        offset: importedDeviceOffset(l.path, l.offset),
      })),
    ),
  ]);
  const extents = lineExtents(parsed);
  const arm64At = highestArm64Address(parsed.flatMap((row) => (row ? [row.start] : [])));
  const spare = largestGap(extents, arm64At !== undefined ? ARM64_TASK_SIZE : X86_64_TASK_SIZE);
  const linesPerObject = countLinesPerObject(parsed);
  const boFiles = new Map<BufferObjectGroup, string>();
  const mappingProt = new Map<BoMapping, string>();
  /** The mappings made whole and then moved piece by piece: each piece is a VMA of its own. */
  const movedPieces = new Set<BoMapping>();
  const separation = separations(privateLines(parsed, mappingOf, 'file'));
  // In a Wine process's capture, the placeholders of the preloader's reserved areas are Wine's
  // room, not a host mapping (import/wine-preloader.ts); every other capture's lines stay as they were.
  const preloaded = preloadedLines(parsed);
  /** Whether a `reserve … preloaded` line was written yet: what they are is said above the first. */
  let preloadedSaid = false;
  const noreserve = noreserveLines(
    privateLines(parsed, mappingOf, 'anonymous').filter((l) => !preloaded.has(l.index)),
  );
  // Shared file lines (a memfd, SysV shm, a file mapped shared) kept apart: as anonymous ones,
  // every second of a run plain maps would merge is made with noreserve.
  const sharedApart = noreserveLines(sharedFileLines(parsed, mappingOf));
  rows.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const row = parsed[index];
    if (!row) return void lines.push({ line: lineNo, text: raw, status: 'skipped', reason: NOT_A_MAPS_LINE });
    const { start, end, offset, name } = row;
    const { ps } = row;
    if (['[vsyscall]', '[vvar]', '[vvar_vclock]', '[vdso]'].includes(name)) {
      return void lines.push({
        line: lineNo,
        text: raw,
        status: 'skipped',
        reason: `${name} is a special kernel mapping that user space cannot create`,
      });
    }
    if (end <= start)
      return void lines.push({ line: lineNo, text: raw, status: 'skipped', reason: 'empty range' });
    const prot = protWord(row);
    out.push(`  # ${raw.trim()}`);
    // Said first, above a comment that keeps the line apart from neighbours it now looks like.
    const unsaid = importedProt(row.r, row.w, row.x).unsaid;
    if (unsaid !== undefined) out.push(`  # ${unsaid}`);
    const mapping = mappingOf.get(index);
    if (mapping !== undefined) {
      if (mapping.first.index === index) {
        let file = boFiles.get(mapping.bo);
        if (file === undefined) {
          file = uniqueName('f_' + nameFor(row.path, start), used);
          boFiles.set(mapping.bo, file);
          const { base, end: boEnd } = mapping.bo;
          const at = base !== 0n ? ` offset ${formatHex(base)}` : '';
          const mixed = nvidiaMapsMixed(row.path) ? ' mixedmap' : '';
          out.push(
            `  ${file} = open device ${stringLiteral(row.path)} ${formatHex(boEnd - base)}${mixed}${at}`,
          );
        }
        const binding = uniqueName(nameFor(name, start), used);
        const made = recreateMapping(mapping, binding, file, prot, extents, spare, used);
        out.push(...made.steps);
        if (made.moved) movedPieces.add(mapping);
        mappingProt.set(mapping, prot);
      } else if (mappingProt.get(mapping) !== prot) {
        // A piece of a mapping made above (at its first line), at another protection.
        out.push(`  mprotect ${formatHex(start)}, ${formatHex(end - start)}, ${prot}`);
      } else if (!movedPieces.has(mapping) && touchesLineAtProt(mapping, row, parsed, prot)) {
        // Two lines at one protection where the mapping was made whole: the capture shows a VMA
        // boundary between them, which only a split makes. VM_IO|VM_PFNMAP (VM_SPECIAL) VMAs
        // never merge (vma_merge_existing_range), so a protection change and back keeps it.
        const length = formatHex(end - start);
        out.push(
          `  # a VMA of its own in the capture (a device mapping's pieces never merge: VM_SPECIAL): split off by a protection change and back`,
          `  mprotect ${formatHex(start)}, ${length}, ${prot === 'none' ? 'r' : 'none'}`,
          `  mprotect ${formatHex(start)}, ${length}, ${prot}`,
        );
      }
      return void lines.push({ line: lineNo, text: raw, status: 'imported' });
    }
    if (row.path === ANON_HUGEPAGE) {
      // MAP_ANONYMOUS|MAP_HUGETLB (ksys_mmap_pgoff: hugetlb_file_setup), made as one. Its VMAs
      // never merge (VM_DONTEXPAND), so a line split from another is a mapping of its own here.
      const binding = uniqueName(nameFor(name, start), used);
      out.push(
        `  # ${HUGETLB_NORESERVE}; maps does not show the huge page size (smaps' KernelPageSize does): 2 MiB, the default, is assumed`,
        // arm64's default huge page is PMD_SIZE, which follows the page size the capture does not show.
        ...(arm64At !== undefined
          ? [
              onLargerPages('the default huge page (2 MiB)', (page) =>
                formatSize(pmdBytes({ arch: 'arm64', pageSize: page })),
              ),
            ]
          : []),
        `  ${binding} = mmap ${formatHex(end - start)} ${prot} ${ps ? 'shared' : 'private'} anon hugetlb noreserve at ${formatHex(start)} fixed by host`,
      );
      return void lines.push({ line: lineNo, text: raw, status: 'imported' });
    }
    const binding = uniqueName(nameFor(name, start), used);
    if (preloaded.has(index)) {
      out.push(
        ...preloadedComment(start, end, binding, !preloadedSaid),
        `  ${binding} = reserve ${formatHex(end - start)} at ${formatHex(start)} by wine preloaded`,
      );
      preloadedSaid = true;
      return void lines.push({ line: lineNo, text: raw, status: 'imported' });
    }
    const anonymous =
      name === '' || name.startsWith('[heap') || name.startsWith('[stack') || name.startsWith('[anon:');
    const length = formatHex(end - start);
    // MAP_SHARED|MAP_ANONYMOUS is a shmem file of its own that maps names `/dev/zero (deleted)`
    // (shmem_zero_setup; facts linux-mm §6.2). One line of it at offset 0 is that mapping as made.
    const sharedAnon =
      ps && name === '/dev/zero (deleted)' && offset === 0n && linesPerObject.get(objectKey(row)) === 1;
    const privateZero = isPrivateDevZero(row.path, ps ? 'MAP_SHARED' : 'MAP_PRIVATE');
    if (privateZero) out.push(`  # ${PRIVATE_DEV_ZERO}`);
    if (anonymous || sharedAnon || privateZero) {
      const apart = noreserve.has(index);
      if (apart) out.push(`  # ${NORESERVE_APART}`);
      out.push(
        `  ${binding} = mmap ${length} ${prot} ${ps ? 'shared' : 'private'} anon${name.startsWith('[stack') ? ' growsdown' : ''}${apart ? ' noreserve' : ''} at ${formatHex(start)} fixed by host`,
      );
    } else {
      const path = row.path;
      // A DRM node's lines are its BOs', an NVIDIA device's its mappings' (above). Other files
      // are one object, sized to reach the furthest line of them (a library's segments).
      const key = objectKey(row);
      let file = files.get(key);
      if (!file) {
        file = uniqueName('f_' + nameFor(path, start), used);
        files.set(key, file);
        const kind = /^\/memfd:|^\/SYSV|^\/dev\/zero/.test(path) ? 'memfd' : 'file';
        const size = sizes.get(key) ?? offset + (end - start);
        // The model names a memfd `/memfd:NAME (deleted)` itself, as the kernel does. SysV shm and
        // a shared anonymous mapping split or mapped again are shmem too, made here as a memfd.
        const openName = kind === 'memfd' ? memfdName(path) : path;
        if (kind === 'memfd' && !path.startsWith('/memfd:'))
          out.push(`  # ${path}: shmem, made as a memfd; the replay names it /memfd:${openName} (deleted)`);
        out.push(`  ${file} = open ${kind} ${stringLiteral(openName)} ${formatHex(size)}`);
      }
      const source = ` fd ${file}${offset ? ` offset ${formatHex(offset)}` : ''} by host`;
      const apart = separation.get(index);
      const noreserveApart = sharedApart.has(index);
      if (noreserveApart) out.push(`  # ${NORESERVE_APART}`);
      if (apart === undefined)
        out.push(
          `  ${binding} = mmap ${length} ${prot} ${ps ? 'shared' : 'private'}${noreserveApart ? ' noreserve' : ''} at ${formatHex(start)} fixed${source}`,
        );
      else out.push(...madeApart(apart, binding, row, prot, source, used));
    }
    lines.push({ line: lineNo, text: raw, status: 'imported' });
  });
  const lowest = lowestImported(lines, parsed);
  out.splice(
    1,
    0,
    ...(lowest !== undefined ? mapsBelowMinAddr(lowest) : []),
    ...(arm64At !== undefined ? arm64Capture(arm64At) : []),
  );
  out.push('}');
  // Each line is kept as a comment: control characters in its pathname (ESC in a file's name)
  // are written `\x1b`, so the scenario cannot drive a terminal (the strings are so already).
  return { scenario: printable(out.join('\n') + '\n'), lines };
}

/**
 * The language's protection word for a line's `rwx` columns (`-wx` is wx). `-w-` and `--x` have
 * none: they are made rw and rx, as every line compared with them (merging, a BO's pieces) is.
 */
function protWord({ r, w, x }: MapsLine): string {
  return importedProt(r, w, x).word;
}

/**
 * The lines of a Wine process's capture that are placeholders of the preloader's reserved areas:
 * `---p`, anonymous, inside one of its ranges. None when no line names Wine.
 */
function preloadedLines(rows: readonly (MapsLine | undefined)[]): Set<number> {
  const result = new Set<number>();
  if (!rows.some((row) => row !== undefined && isWinePath(row.path))) return result;
  rows.forEach((row, index) => {
    if (row === undefined || row.ps || row.r || row.w || row.x || row.name !== '') return;
    if (row.end > row.start && inPreloaderRange(row.start, row.end)) result.add(index);
  });
  return result;
}

/** Whether a line names private anonymous memory (or the special mappings, skipped). */
function isAnonymousName(name: string): boolean {
  return name === '' || name.startsWith('[');
}

/**
 * The private lines made as plain maps, of a file or of anonymous memory (`kind`): those whose
 * neighbours may merge with them in the replay. Lines the replay makes as anonymous memory
 * (anonymous names, and private /dev/zero, which the kernel keeps apart from anonymous memory by
 * its file) are one object at offsets that follow their addresses, as new anonymous VMAs' pgoffs
 * do: two adjacent ones with one protection would merge, which the capture shows the kernel did
 * not do. A stack line is VM_GROWSDOWN and merges with nothing.
 */
function privateLines(
  rows: readonly (MapsLine | undefined)[],
  mappingOf: ReadonlyMap<number, BoMapping>,
  kind: 'file' | 'anonymous',
): FileLine[] {
  const result: FileLine[] = [];
  rows.forEach((row, index) => {
    if (row === undefined || row.ps || row.end <= row.start || mappingOf.has(index)) return;
    if (row.path === ANON_HUGEPAGE || row.name.startsWith('[stack')) return;
    const { start, end, offset, w } = row;
    const perms = protWord(row);
    const replayedAnonymous = isAnonymousName(row.name) || isPrivateDevZero(row.path, 'MAP_PRIVATE');
    if (replayedAnonymous !== (kind === 'anonymous')) return;
    // The special mappings ([vdso], [vvar]…) are skipped, not made.
    if (row.name.startsWith('[') && !row.name.startsWith('[heap') && !row.name.startsWith('[anon:')) return;
    result.push(
      replayedAnonymous
        ? { index, start, end, offset: start, object: REPLAYED_ANONYMOUS, writable: w, perms }
        : { index, start, end, offset, object: objectKey(row), writable: w, perms },
    );
  });
  return result;
}

/**
 * The shared lines of files (not buffer objects or devices, whose pieces never merge, nor the
 * one-line shared anonymous mappings made as `anon`): plain maps of two adjacent ones at
 * contiguous offsets of one object merge, where the capture shows two VMAs.
 */
function sharedFileLines(
  rows: readonly (MapsLine | undefined)[],
  mappingOf: ReadonlyMap<number, BoMapping>,
): FileLine[] {
  const result: FileLine[] = [];
  rows.forEach((row, index) => {
    if (row === undefined || !row.ps || row.end <= row.start || mappingOf.has(index)) return;
    if (row.path === ANON_HUGEPAGE || row.name.startsWith('[') || row.path === '') return;
    const { start, end, offset, w } = row;
    result.push({ index, start, end, offset, object: objectKey(row), writable: w, perms: protWord(row) });
  });
  return result;
}

/** Why a line is made with noreserve, said above it. */
const NORESERVE_APART =
  "a VMA of its own in the capture, where plain maps would merge: made with noreserve (VM_NORESERVE), so its flags differ from its neighbours'";

/** The object key of every line the replay makes as private anonymous memory. */
const REPLAYED_ANONYMOUS = '(private anonymous memory)';

/** Whether another line of `mapping` at `prot` ends where `row` starts or starts where it ends. */
function touchesLineAtProt(
  mapping: BoMapping,
  row: MapsLine,
  rows: readonly (MapsLine | undefined)[],
  prot: string,
): boolean {
  return mapping.lines.some((l) => {
    const other = rows[l.index];
    return (
      other !== undefined &&
      other !== row &&
      (other.end === row.start || other.start === row.end) &&
      protWord(other) === prot
    );
  });
}

/** The lowest start among the lines imported, or undefined when none is below 0x1000. */
function lowestImported(
  lines: readonly ImportedLine[],
  parsed: readonly (MapsLine | undefined)[],
): bigint | undefined {
  let lowest: bigint | undefined;
  for (const l of lines) {
    const row = l.status === 'imported' ? parsed[l.line - 1] : undefined;
    if (row !== undefined && row.start < MIN_ADDR_DEFAULT && (lowest === undefined || row.start < lowest))
      lowest = row.start;
  }
  return lowest;
}

/** A DRM node's BO mappings, whose offset is the BO's fake mmap offset (facts linux-mm §6.2). */
const DRM_NODE = /^\/dev\/dri\/|^anon_inode:i915\.gem/;

/** The lines that map one kind of device (DRM_NODE, NVIDIA_DEVICE), for grouping into objects. */
function deviceLines(rows: readonly (MapsLine | undefined)[], kind: RegExp): BoLine[] {
  const result: BoLine[] = [];
  rows.forEach((row, index) => {
    if (row === undefined || row.end <= row.start || !kind.test(row.path)) return;
    const { path, start, end, offset, ps } = row;
    result.push({ index, path, start, end, offset, shared: ps });
  });
  return result;
}

/** Every line's address range, by start: to find what lies inside a range. */
function lineExtents(
  rows: readonly (MapsLine | undefined)[],
): { start: bigint; end: bigint; index: number }[] {
  const result: { start: bigint; end: bigint; index: number }[] = [];
  rows.forEach((row, index) => {
    if (row !== undefined && row.end > row.start) result.push({ start: row.start, end: row.end, index });
  });
  return result.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/**
 * The lines that intersect [from, to), by binary search (a capture can hold tens of thousands of
 * BOs). Lines do not overlap, so only the one before the first starting at `from` can reach in.
 */
function linesWithin(
  extents: readonly { start: bigint; end: bigint; index: number }[],
  from: bigint,
  to: bigint,
): { start: bigint; end: bigint; index: number }[] {
  const lo = firstIndex(extents.length, (i) => extents[i]!.start < from);
  const result = [];
  const before = extents[lo - 1];
  if (before !== undefined && before.end > from) result.push(before);
  for (let i = lo; i < extents.length && extents[i]!.start < to; i++) result.push(extents[i]!);
  return result;
}

/**
 * The steps that recreate one mapping of a BO, at its first line. mmap takes only the BO's fake
 * offset (facts linux-mm §4.1), so the mapping is made from the BO's start and what the capture
 * does not show mapped is unmapped: a gap between its lines (a munmap of the middle), and a head
 * no line of it maps. Lines at another protection are mprotected at their own line.
 *
 * When the whole range it is made over is free of other lines and starts at its lowest line, it
 * is made there (MAP_FIXED). Otherwise (its head was unmunmapped, or another line lies in a gap)
 * MAP_FIXED would replace lines already made, so it is made where the kernel chooses and each
 * line is moved to its address (mremap of part of a BO mapping splits it; §4.2), the rest unmapped.
 * It is made in the capture's largest gap (`spare`), so no piece is moved onto itself; only when no
 * gap is large enough, where the kernel chooses.
 */
function recreateMapping(
  mapping: BoMapping,
  binding: string,
  file: string,
  prot: string,
  extents: readonly { start: bigint; end: bigint; index: number }[],
  spare: Gap | undefined,
  used: UsedNames,
): { readonly steps: string[]; readonly moved: boolean } {
  const { bo, lines, low, high } = mapping;
  const delta = mapping.first.start - mapping.first.offset;
  const flags = mapping.first.shared ? 'shared' : 'private';
  const offset = bo.base !== 0n ? ` offset ${formatHex(bo.base)}` : '';
  const length = formatHex(high - bo.base);
  const own = new Set(lines.map((l) => l.index));
  const foreign = linesWithin(extents, low + delta, high + delta).some((e) => !own.has(e.index));
  // The offsets in [bo.base, high) that no line of the mapping shows.
  const gaps: [bigint, bigint][] = [];
  let at = bo.base;
  for (const line of lines) {
    if (line.offset > at) gaps.push([at, line.offset]);
    const lineEnd = line.offset + (line.end - line.start);
    if (lineEnd > at) at = lineEnd;
  }
  const steps: string[] = [];
  if (low === bo.base && !foreign) {
    steps.push(
      `  ${binding} = mmap ${length} ${prot} ${flags} at ${formatHex(low + delta)} fixed fd ${file}${offset} by host`,
    );
    for (const [from, to] of gaps) steps.push(`  munmap ${formatHex(from + delta)}, ${formatHex(to - from)}`);
    return { steps, moved: false };
  }
  const whole = uniqueName(`${binding}_whole`, used);
  // Where the kernel would choose (top-down from mmap_base) may hold a piece's own destination,
  // not made yet: mremap refuses a move onto an overlapping range (check_mremap_params). A gap
  // the capture leaves is free of every destination, and empty again once the pieces are moved.
  const place =
    spare !== undefined && spare.end - spare.start >= high - bo.base
      ? ` at ${formatHex(spare.start)} fixed`
      : '';
  steps.push(
    `  # The ${bo.base !== 0n ? 'BO mapped whole from its fake offset' : 'object mapped whole from offset 0'}${place ? ' in a gap of the capture' : ''}, then each piece the capture shows moved to its address.`,
    `  ${whole} = mmap ${length} ${prot} ${flags}${place} fd ${file}${offset} by host`,
  );
  const inWhole = (offset: bigint) =>
    offset === bo.base ? whole : `${whole} + ${formatHex(offset - bo.base)}`;
  for (const line of lines) {
    const size = formatHex(line.end - line.start);
    const name = line === mapping.first ? `${binding} = ` : '';
    steps.push(
      `  ${name}mremap ${inWhole(line.offset)}, ${size}, ${size}, maymove | fixed, ${formatHex(line.start)}`,
    );
  }
  for (const [from, to] of gaps) steps.push(`  munmap ${inWhole(from)}, ${formatHex(to - from)}`);
  return { steps, moved: true };
}

/** A free range between two lines of the capture. */
interface Gap {
  readonly start: bigint;
  readonly end: bigint;
}

/** The largest range between two lines below the capture's TASK_SIZE ([vsyscall] lies above it). */
function largestGap(extents: readonly { start: bigint; end: bigint }[], taskSize: bigint): Gap | undefined {
  let best: Gap | undefined;
  let reached = -1n;
  for (const e of extents) {
    if (e.start > taskSize) break;
    if (
      reached >= 0n &&
      e.start > reached &&
      (best === undefined || e.start - reached > best.end - best.start)
    )
      best = { start: reached, end: e.start };
    if (e.end > reached) reached = e.end;
  }
  return best;
}

/**
 * Which object a file line maps: its path, device and inode. Shmem objects of one name are many
 * (each MAP_SHARED|MAP_ANONYMOUS region is `/dev/zero (deleted)`, each IPC_PRIVATE segment
 * `/SYSV00000000`, memfds may share a name); maps tells them apart by `dev inode` (proc(5): "inode
 * is the inode on that device").
 */
function objectKey(row: MapsLine): string {
  return `${row.path}\0${row.inode}`;
}

/** How many lines map each object (objectKey). */
function countLinesPerObject(rows: readonly (MapsLine | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) if (row) counts.set(objectKey(row), (counts.get(objectKey(row)) ?? 0) + 1);
  return counts;
}

/** One line of /proc/PID/maps, read once for both passes. */
interface MapsLine {
  readonly start: bigint;
  readonly end: bigint;
  readonly r: boolean;
  readonly w: boolean;
  readonly x: boolean;
  /** Shared (`s`) rather than private (`p`). */
  readonly ps: boolean;
  readonly offset: bigint;
  /** The `dev inode` columns, as written (`00:01 2565166`). */
  readonly inode: string;
  /** The pathname column as written, and without ` (deleted)`. */
  readonly name: string;
  readonly path: string;
}

function parseLine(raw: string): MapsLine | undefined {
  const m = LINE.exec(raw.trimEnd());
  if (!m) return undefined;
  const name = (m[10] ?? '').trim();
  return {
    start: BigInt('0x' + m[1]),
    end: BigInt('0x' + m[2]),
    r: m[3] === 'r',
    w: m[4] === 'w',
    x: m[5] === 'x',
    ps: m[6] === 's',
    offset: BigInt('0x' + m[7]),
    inode: `${m[8]} ${m[9]}`,
    name,
    path: withoutDeleted(name),
  };
}

/**
 * For each file-backed object: the end of its furthest mapped range (offset + length). (A DRM BO
 * and an NVIDIA mapping's object are sized by bo-groups.ts.)
 */
function fileSizes(rows: readonly (MapsLine | undefined)[]): Map<string, bigint> {
  const sizes = new Map<string, bigint>();
  for (const row of rows) {
    if (!row || row.path === '' || row.path.startsWith('[')) continue;
    const length = row.end - row.start;
    if (DRM_NODE.test(row.path) || NVIDIA_DEVICE.test(row.path)) continue;
    const end = row.offset + length;
    const at = objectKey(row);
    if (end > (sizes.get(at) ?? 0n)) sizes.set(at, end);
  }
  return sizes;
}

function nameFor(label: string, start: bigint): string {
  const word = withoutDeleted(label)
    .replace(/^.*\//, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();
  const base = trimUnderscores(word);
  if (!base || /^\d/.test(base)) return `map_${start.toString(16)}`;
  return base;
}

/**
 * `word` without its leading and trailing `_`s. A loop, not `replace(/^_+|_+$/g, '')`: that tries
 * `_+$` from every `_` of a long run not at the end, each attempt scanning the rest of the run,
 * quadratic in a hostile path's length.
 */
function trimUnderscores(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && word.charCodeAt(start) === 95 /* _ */) start++;
  while (end > start && word.charCodeAt(end - 1) === 95 /* _ */) end--;
  return word.slice(start, end);
}
