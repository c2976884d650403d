// Which /proc/PID/maps lines of a DRM node are one buffer object, and which of those are one
// mapping of it. mmap of a DRM fd takes only a BO's exact fake offset (facts linux-mm §4.1:
// drm_vma_offset_exact_lookup_locked), but a partial mprotect or munmap splits the VMA, and the
// kernel advances the new piece's vm_pgoff (§4.2 "Partial operations split the VMA"), so maps
// shows the second piece at an offset inside the BO (§6.2: the offset column is vm_pgoff). Those
// pieces are one BO: a BO per line would give them pages of their own.
//
// The rules, from what maps can show:
// - Lines of one device file at the same address-minus-offset difference (and sharing) whose
//   offset ranges touch are one mapping, split (by protection, or by a munmap of its tail and a
//   later mapping of the rest — either way one VMA's pieces). VM_IO|VM_PFNMAP VMAs never merge
//   (VM_SPECIAL), so two BOs with consecutive fake offsets (drm_mm hands them out so) mapped side
//   by side look exactly the same: they are read as one BO, since nothing tells them apart.
// - Mappings whose offset ranges overlap are of one BO (fake offset ranges of BOs are disjoint):
//   the BO mapped twice, at different addresses.
// - A gap in the offsets between two lines (a munmap of the middle of a mapping) cannot be told
//   from two BOs, and neither can offsets that only touch at different differences (consecutive
//   BOs mapped apart): those stay separate BOs.
// The BO starts at the lowest offset any line shows and ends at the highest; a part no line maps
// (an unmapped head or tail) is not in the capture.

/** One device line of the capture: `index` is its position, for output order. */
export interface BoLine {
  readonly index: number;
  readonly path: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly offset: bigint;
  readonly shared: boolean;
}

/** One mapping of a BO: its lines, by offset, all at one address-minus-offset difference. */
export interface BoMapping {
  readonly bo: BufferObjectGroup;
  readonly lines: readonly BoLine[];
  /** The lowest and highest (exclusive) offset its lines show. */
  readonly low: bigint;
  readonly high: bigint;
  /** Its lines in capture order: the first is where it is recreated. */
  readonly first: BoLine;
}

/** One BO: [base, end) of the node's fake offset space, and its mappings. */
export interface BufferObjectGroup {
  readonly path: string;
  readonly base: bigint;
  readonly end: bigint;
  readonly mappings: readonly BoMapping[];
}

/** The mapping each line belongs to, by line index. */
export function groupBufferObjects(lines: readonly BoLine[]): Map<number, BoMapping> {
  const byPath = new Map<string, BoLine[]>();
  for (const line of lines) {
    const list = byPath.get(line.path) ?? [];
    list.push(line);
    byPath.set(line.path, list);
  }
  const result = new Map<number, BoMapping>();
  for (const [path, pathLines] of byPath) {
    for (const cluster of overlappingRuns(runsOf(pathLines))) {
      const base = cluster.reduce((m, r) => (r.low < m ? r.low : m), cluster[0]!.low);
      const end = cluster.reduce((m, r) => (r.high > m ? r.high : m), cluster[0]!.high);
      const mappings: BoMapping[] = [];
      const bo: BufferObjectGroup = { path, base, end, mappings };
      const byKey = new Map<string, BoLine[]>();
      for (const run of cluster) byKey.set(run.key, [...(byKey.get(run.key) ?? []), ...run.lines]);
      for (const mapLines of byKey.values()) {
        mapLines.sort((a, b) => (a.offset < b.offset ? -1 : 1));
        const low = mapLines[0]!.offset;
        const high = mapLines.reduce((m, l) => (offsetEnd(l) > m ? offsetEnd(l) : m), low);
        const first = mapLines.reduce((m, l) => (l.index < m.index ? l : m));
        const mapping: BoMapping = { bo, lines: mapLines, low, high, first };
        mappings.push(mapping);
        for (const line of mapLines) result.set(line.index, mapping);
      }
    }
  }
  return result;
}

/**
 * The mapping each line of an NVIDIA device (`/dev/nvidia0`, …) belongs to, by line index. NVIDIA
 * maps only at offset 0 (facts linux-mm §4.1: nvidia_mmap_helper requires vm_pgoff 0; what is
 * mapped comes from the fd's mmap_context, set by an RM ioctl before each mmap), so every mmap is
 * an object of its own, and every mapping's offsets start at 0: overlapping offsets say nothing
 * here. A line at a nonzero offset is a piece of a split mapping (a partial mprotect or munmap
 * advances the piece's vm_pgoff, §4.2), so what identifies one object is the address its mmap
 * returned, start minus offset (and sharing). Lines with the same one are one mapping of one
 * object, based at 0 and as large as the furthest offset shown; a gap between them is a munmap
 * of the middle. (Another mmap placed where the first's unmapped head was would share that
 * address, but its offsets lie below the first's, so joining them shares no page.) A piece moved
 * by mremap keeps its offset at a new address: it is read as an object whose head is unmapped.
 */
export function groupDeviceMappingsAtZero(lines: readonly BoLine[]): Map<number, BoMapping> {
  const byOrigin = new Map<string, BoLine[]>();
  for (const line of lines) {
    const key = `${line.path}\0${line.shared ? 's' : 'p'}${line.start - line.offset}`;
    const list = byOrigin.get(key);
    if (list === undefined) byOrigin.set(key, [line]);
    else list.push(line);
  }
  const result = new Map<number, BoMapping>();
  for (const mapLines of byOrigin.values()) {
    mapLines.sort((a, b) => (a.offset < b.offset ? -1 : 1));
    const low = mapLines[0]!.offset;
    const high = mapLines.reduce((m, l) => (offsetEnd(l) > m ? offsetEnd(l) : m), low);
    const first = mapLines.reduce((m, l) => (l.index < m.index ? l : m));
    const mappings: BoMapping[] = [];
    const bo: BufferObjectGroup = { path: first.path, base: 0n, end: high, mappings };
    const mapping: BoMapping = { bo, lines: mapLines, low, high, first };
    mappings.push(mapping);
    for (const line of mapLines) result.set(line.index, mapping);
  }
  return result;
}

interface Run {
  readonly key: string;
  readonly lines: BoLine[];
  low: bigint;
  high: bigint;
}

function offsetEnd(line: BoLine): bigint {
  return line.offset + (line.end - line.start);
}

/** Lines at one address-minus-offset difference whose offset ranges touch: one mapping's pieces. */
function runsOf(lines: readonly BoLine[]): Run[] {
  const byKey = new Map<string, BoLine[]>();
  for (const line of lines) {
    const key = `${line.shared ? 's' : 'p'}${line.start - line.offset}`;
    byKey.set(key, [...(byKey.get(key) ?? []), line]);
  }
  const runs: Run[] = [];
  for (const [key, keyLines] of byKey) {
    keyLines.sort((a, b) => (a.offset < b.offset ? -1 : 1));
    let run: Run | undefined;
    for (const line of keyLines) {
      if (run !== undefined && line.offset <= run.high) {
        run.lines.push(line);
        if (offsetEnd(line) > run.high) run.high = offsetEnd(line);
        continue;
      }
      run = { key, lines: [line], low: line.offset, high: offsetEnd(line) };
      runs.push(run);
    }
  }
  return runs;
}

/** Runs whose offset ranges overlap (not merely touch), gathered: the mappings of one BO. */
function overlappingRuns(runs: Run[]): Run[][] {
  runs.sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
  const clusters: Run[][] = [];
  let high = 0n;
  for (const run of runs) {
    const last = clusters[clusters.length - 1];
    if (last !== undefined && run.low < high) {
      last.push(run);
      if (run.high > high) high = run.high;
    } else {
      clusters.push([run]);
      high = run.high;
    }
  }
  return clusters;
}
