// The mappings part of "Run on This Kernel": what /proc/self/maps shows over a range a step
// touched, on the kernel (the harness prints the maps after every step) and in the simulation
// (its VMAs after the step, merged as the kernel merges them). The two runs place NULL-hint
// mappings differently (the harness runs in an arena of its own), so a range is compared
// relative to its start on each side: which pages are mapped, with which permissions, shared or
// private, at which file offset — not where.
import { kernelView } from '../kernel/vma-set';
import { mapsNameOf, mapsPgoffOf } from '../kernel/vma';
import { vmaPermsText } from '../kernel/prot-text';
import type { Vma } from '../kernel/types';

/** One /proc/self/maps line as the harness prints it: `[start, end, perms, offset, name]`, arena-relative. */
export type HarnessMapLine = readonly [number, number, string, number, string];

/** A line with absolute bounds. */
export interface MapLine {
  readonly start: bigint;
  readonly end: bigint;
  /** `rw-p`, `r--s`, … */
  readonly perms: string;
  /** File offset in bytes of `start` (0 for anonymous private memory, as the kernel prints it). */
  readonly offset: bigint;
  /** `''`, `/dev/zero (deleted)`, `/memfd:NAME (deleted)`. */
  readonly name: string;
}

/** The part of one mapping inside a range, relative to the range's start. */
interface Piece {
  readonly from: bigint;
  readonly to: bigint;
  readonly perms: string;
  readonly offset: bigint;
  readonly name: string;
}

/** The harness's lines with absolute bounds. */
export function kernelMapLines(lines: readonly HarnessMapLine[], arenaBase: bigint): MapLine[] {
  return lines.map(([start, end, perms, offset, name]) => ({
    start: arenaBase + BigInt(start),
    end: arenaBase + BigInt(end),
    perms,
    offset: BigInt(offset),
    name,
  }));
}

/** The simulation's VMAs as /proc/self/maps would list them (the fidelity tests' simMaps uses it too). */
export function simulatedMapLines(vmas: readonly Vma[], pageSize: bigint): MapLine[] {
  return kernelView(vmas).map((v) => {
    const fileBacked = v.object.kind !== 'anon';
    return {
      start: BigInt(v.startPage) * pageSize,
      end: BigInt(v.endPage) * pageSize,
      // The kernel's test, VM_MAYSHARE (facts linux-mm §6.2): this is compared with the real kernel's lines.
      perms: vmaPermsText(v),
      offset: fileBacked ? BigInt(mapsPgoffOf(v)) * pageSize : 0n,
      name: fileBacked ? mapsNameOf(v) : '',
    };
  });
}

/**
 * A memfd's name is the harness's sanitised copy of the scenario's label: only that it is a
 * memfd counts.
 */
function nameKind(name: string): string {
  return name.startsWith('/memfd:') ? '/memfd:' : name;
}

function piecesIn(lines: readonly MapLine[], start: bigint, length: bigint): Piece[] {
  const end = start + length;
  const out: Piece[] = [];
  for (const m of lines) {
    if (m.end <= start || m.start >= end) continue;
    const from = m.start > start ? m.start : start;
    const to = m.end < end ? m.end : end;
    const fileBacked = m.name !== '';
    out.push({
      from: from - start,
      to: to - start,
      perms: m.perms,
      offset: fileBacked ? m.offset + (from - m.start) : 0n,
      name: nameKind(m.name),
    });
  }
  return out;
}

function pieceText(p: Piece): string {
  const file =
    p.name === '' ? '' : ` ${p.name === '/memfd:' ? 'memfd' : p.name} offset 0x${p.offset.toString(16)}`;
  return `+0x${p.from.toString(16)}..+0x${p.to.toString(16)} ${p.perms}${file}`;
}

function piecesText(pieces: readonly Piece[]): string {
  return pieces.length === 0 ? 'nothing mapped' : pieces.map(pieceText).join(', ');
}

/**
 * How the kernel's and the simulation's maps differ over a range (each side's own start, the
 * same length), or undefined when they show the same.
 */
export function rangeMapsDiffer(
  kernel: { readonly lines: readonly MapLine[]; readonly start: bigint },
  sim: { readonly lines: readonly MapLine[]; readonly start: bigint },
  length: bigint,
): string | undefined {
  const k = piecesIn(kernel.lines, kernel.start, length);
  const s = piecesIn(sim.lines, sim.start, length);
  const same =
    k.length === s.length &&
    k.every((p, i) => {
      const q = s[i]!;
      return (
        p.from === q.from &&
        p.to === q.to &&
        p.perms === q.perms &&
        p.offset === q.offset &&
        p.name === q.name
      );
    });
  return same ? undefined : `the kernel shows ${piecesText(k)}, the simulation ${piecesText(s)}`;
}
