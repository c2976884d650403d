// Random syscall programs for differential testing. fast-check generates *abstract* steps (choices
// as small integers), and `concretize` turns them into a concrete Program while tracking,
// approximately, which arena pages are mapped, so that most addresses hit existing mappings.
// The tracker is only a steering aid; it is never used as an oracle. Shrinking works on the
// abstract steps, and concretize is deterministic, so a shrunk sequence is still a valid program.
import fc from 'fast-check';
import type { Addr, Program, Step } from './program';
import { ARENA_SIZE, PAGE } from './program';

const ARENA_PAGES = ARENA_SIZE / PAGE;
/** The low window for fixed addresses and hints: pages [LOW_BASE, LOW_BASE + LOW_PAGES). */
const LOW_BASE = 16;
const LOW_PAGES = 64;
const TOP_PAGES = 64;

const PROT_R = 1;
const PROT_W = 2;
const PROT_X = 4;
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;
const MREMAP_DONTUNMAP = 4;

/** An address choice. */
export interface AddrSel {
  /** 0..99: <60 a page of a tracked mapping, <75 the low window, <85 the top window, <92 unaligned, else anywhere. */
  readonly mode: number;
  readonly a: number;
  readonly b: number;
}

/** A length choice. */
export interface LenSel {
  /** 0..99: <82 whole pages, <88 pages plus a few bytes, <93 zero, <97 2 MiB multiple, else overflow-ish. */
  readonly mode: number;
  readonly pages: number;
  readonly bytes: number;
}

export type AbstractStep =
  | { readonly k: 'memfd'; readonly pages: number }
  | {
      readonly k: 'mmap';
      /** 0 private anon, 1 shared anon, 2 shared memfd, 3 private memfd, 4 invalid type bits. */
      readonly kind: number;
      /** 0 NULL hint, 1 hint, 2 MAP_FIXED, 3 MAP_FIXED_NOREPLACE. */
      readonly place: number;
      readonly at: AddrSel;
      readonly len: LenSel;
      readonly prot: number;
      readonly fd: number;
      /** Page offset into the memfd; 0 mostly. */
      readonly offPages: number;
    }
  | { readonly k: 'munmap'; readonly at: AddrSel; readonly len: LenSel }
  | {
      readonly k: 'mremap';
      readonly at: AddrSel;
      readonly oldLen: LenSel;
      readonly newLen: LenSel;
      readonly flags: number;
      readonly dest: AddrSel;
      readonly nullDest: boolean;
    }
  | { readonly k: 'mprotect'; readonly at: AddrSel; readonly len: LenSel; readonly prot: number }
  | { readonly k: 'write'; readonly at: AddrSel; readonly len: LenSel; readonly byte: number }
  | { readonly k: 'read'; readonly at: AddrSel; readonly len: LenSel };

const addrSel: fc.Arbitrary<AddrSel> = fc.record({
  mode: fc.nat({ max: 99 }),
  a: fc.nat({ max: 1000 }),
  b: fc.nat({ max: 100000 }),
});

const lenSel: fc.Arbitrary<LenSel> = fc.record({
  mode: fc.nat({ max: 99 }),
  pages: fc.integer({ min: 1, max: 8 }),
  bytes: fc.integer({ min: 1, max: PAGE - 1 }),
});

/** Small access lengths for reads/writes. */
const accessLen: fc.Arbitrary<LenSel> = fc.record({
  mode: fc.nat({ max: 87 }),
  pages: fc.integer({ min: 1, max: 4 }),
  bytes: fc.integer({ min: 1, max: PAGE - 1 }),
});

const protArb = fc.constantFrom(
  PROT_R | PROT_W,
  PROT_R | PROT_W,
  PROT_R | PROT_W,
  PROT_R,
  PROT_R,
  0,
  PROT_W,
  PROT_R | PROT_X,
  PROT_R | PROT_W | PROT_X,
);

/** Every combination of MAYMOVE/FIXED/DONTUNMAP, the valid ones more often, and a few unknown bits. */
const mremapFlags = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(0, 0, 1, 1, 1, 3, 3, 3, 5, 5, 7, 7) },
  { weight: 3, arbitrary: fc.constantFrom(2, 4, 6) },
  { weight: 1, arbitrary: fc.constantFrom(8, 9, 16, 17) },
);

const mmapStep: fc.Arbitrary<AbstractStep> = fc.record({
  k: fc.constant('mmap' as const),
  kind: fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom(0, 0, 0, 1, 2, 3) },
    { weight: 1, arbitrary: fc.constant(4) },
  ),
  place: fc.constantFrom(0, 1, 2, 2, 2, 3),
  at: addrSel,
  len: lenSel,
  prot: protArb,
  fd: fc.nat({ max: 3 }),
  offPages: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat({ max: 10 }) }),
});

export const abstractStep: fc.Arbitrary<AbstractStep> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('memfd' as const), pages: fc.integer({ min: 1, max: 8 }) }),
  },
  { weight: 14, arbitrary: mmapStep },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('munmap' as const), at: addrSel, len: lenSel }) },
  {
    weight: 12,
    arbitrary: fc.record({
      k: fc.constant('mremap' as const),
      at: addrSel,
      oldLen: lenSel,
      newLen: lenSel,
      flags: mremapFlags,
      dest: addrSel,
      nullDest: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ k: fc.constant('mprotect' as const), at: addrSel, len: lenSel, prot: protArb }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('write' as const),
      at: addrSel,
      len: accessLen,
      byte: fc.integer({ min: 1, max: 255 }),
    }),
  },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('read' as const), at: addrSel, len: accessLen }) },
);

/** Page intervals [start, end) believed mapped, sorted and disjoint. */
class Tracker {
  ranges: [number, number][] = [];

  /** Index of the first range ending after page s. */
  private firstEndingAfter(s: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid]![1] > s) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  remove(s: number, e: number): void {
    const i = this.firstEndingAfter(s);
    let j = i;
    const keep: [number, number][] = [];
    while (j < this.ranges.length && this.ranges[j]![0] < e) {
      const [a, b] = this.ranges[j]!;
      if (a < s) keep.push([a, s]);
      if (b > e) keep.push([e, b]);
      j++;
    }
    if (j > i) this.ranges.splice(i, j - i, ...keep);
  }

  add(s: number, e: number): void {
    if (e <= s) return;
    this.remove(s, e);
    this.ranges.splice(this.firstEndingAfter(s), 0, [s, e]);
  }

  isFree(s: number, e: number): boolean {
    const i = this.firstEndingAfter(s);
    return i === this.ranges.length || this.ranges[i]![0] >= e;
  }

  /** The top-down placement of `pages` below the arena top (approximate: ignores THP alignment). */
  topDown(pages: number): number {
    let hi = ARENA_PAGES;
    for (let i = this.ranges.length - 1; i >= 0; i--) {
      const [a, b] = this.ranges[i]!;
      if (hi - b >= pages) return hi - pages;
      hi = Math.min(hi, a);
    }
    return hi - pages;
  }
}

/** Pages from the last picked address to the end of the tracked range it was picked in (0 if none). */
let room = 0;

function pickAddr(sel: AddrSel, t: Tracker): number {
  let mode = sel.mode;
  room = 0;
  if (t.ranges.length === 0 && (mode < 60 || (mode >= 85 && mode < 92))) mode = 60;
  if (mode < 60 || (mode >= 85 && mode < 92)) {
    const [a, b] = t.ranges[sel.a % t.ranges.length]!;
    const page = a + (sel.b % (b - a + 1));
    room = b - page;
    return mode < 60 ? page * PAGE : page * PAGE + 1 + (sel.b % (PAGE - 1));
  }
  if (mode < 75) return (LOW_BASE + (sel.b % LOW_PAGES)) * PAGE;
  if (mode < 85) return (ARENA_PAGES - 1 - (sel.b % TOP_PAGES)) * PAGE;
  return (LOW_BASE + ((sel.a * 100003 + sel.b) % 4096)) * PAGE;
}

/** A length; `fit` (most of the time) keeps whole-page lengths within the room of the last address. */
function pickLen(sel: LenSel, fit = false): number {
  if (sel.mode < 82) {
    const pages = fit && room > 0 && sel.mode < 65 ? Math.min(sel.pages, room) : sel.pages;
    return pages * PAGE;
  }
  if (sel.mode < 88) return sel.pages * PAGE + sel.bytes;
  if (sel.mode < 93) return 0;
  if (sel.mode < 97) return (sel.pages % 2 === 0 ? 2 : 1) * 0x200000;
  return sel.pages % 2 === 0 ? -1 : -PAGE;
}

const pagesOf = (len: number): number => Math.ceil(len / PAGE);

/**
 * Keeps [addr, addr+len) inside the arena (for sane lengths): above the arena the harness has its
 * fillers and libraries, which the simulator does not model, so a program must never reach them.
 */
function clamp(addr: number, ...lens: number[]): number {
  const len = Math.max(...lens.filter((l) => l > 0 && l <= ARENA_SIZE / 2), 0);
  if (addr + len <= ARENA_SIZE) return addr;
  const unaligned = addr % PAGE;
  return ARENA_SIZE - pagesOf(len) * PAGE - (unaligned ? PAGE : 0) + unaligned;
}

/** Turns abstract steps into a concrete program. */
export function concretize(steps: readonly AbstractStep[], maxMemfds = 8): Program {
  const t = new Tracker();
  const out: Step[] = [];
  let memfds = 0;
  const fits = (len: number): boolean => len > 0 && len <= 64 * 0x200000;
  for (const s of steps) {
    switch (s.k) {
      case 'memfd': {
        if (memfds >= maxMemfds) break;
        out.push({ op: 'memfd', name: `m${memfds}`, size: s.pages * PAGE });
        memfds++;
        break;
      }
      case 'mmap': {
        let kind = s.kind;
        if ((kind === 2 || kind === 3) && memfds === 0) kind = 0;
        const picked = s.place === 0 ? null : pickAddr(s.at, t);
        const length = pickLen(s.len);
        const addr: Addr = picked === null ? null : clamp(picked, length);
        let flags =
          kind === 0
            ? MAP_PRIVATE | MAP_ANONYMOUS
            : kind === 1
              ? MAP_SHARED | MAP_ANONYMOUS
              : kind === 2
                ? MAP_SHARED
                : kind === 3
                  ? MAP_PRIVATE
                  : MAP_ANONYMOUS;
        if (s.place === 2) flags |= MAP_FIXED;
        if (s.place === 3) flags |= MAP_FIXED_NOREPLACE;
        const fdRef = kind === 2 || kind === 3 ? s.fd % memfds : -1;
        const offset = kind === 2 || kind === 3 ? s.offPages * PAGE : 0;
        out.push({ op: 'mmap', addr, length, prot: s.prot, flags, fdRef, offset });
        if (!fits(length) || kind === 4) break;
        if (s.place >= 2 && addr !== null && addr % PAGE !== 0) break;
        const p = pagesOf(length);
        if (addr === null) {
          const at = t.topDown(p);
          t.add(at, at + p);
        } else {
          const page = Math.floor(addr / PAGE);
          if (s.place === 2) t.add(page, page + p);
          else if (t.isFree(page, page + p)) t.add(page, page + p);
          else if (s.place === 1) {
            const at = t.topDown(p);
            t.add(at, at + p);
          }
        }
        break;
      }
      case 'munmap': {
        const picked = pickAddr(s.at, t);
        const length = pickLen(s.len, true);
        const addr = clamp(picked, length);
        out.push({ op: 'munmap', addr, length });
        if (fits(length)) t.remove(Math.floor(addr / PAGE), Math.floor(addr / PAGE) + pagesOf(length));
        break;
      }
      case 'mremap': {
        const pickedOld = pickAddr(s.at, t);
        const oldSize = pickLen(s.oldLen, true);
        const newSize =
          (s.flags & MREMAP_DONTUNMAP) !== 0 && s.newLen.mode < 70 ? oldSize : pickLen(s.newLen);
        const old = clamp(pickedOld, oldSize, newSize);
        const fixedOrDontunmap = (s.flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) !== 0;
        const newAddr: Addr =
          s.nullDest && (s.flags & MREMAP_FIXED) === 0 ? null : clamp(pickAddr(s.dest, t), newSize);
        out.push({ op: 'mremap', old, oldSize, newSize, flags: s.flags, newAddr });
        if (!fits(newSize) || (oldSize !== 0 && !fits(oldSize)) || s.flags > 7 || old % PAGE !== 0) break;
        const o = Math.floor(old / PAGE);
        const op = pagesOf(oldSize);
        // Apply it only when the old range lies inside one tracked range (otherwise: EFAULT, mostly).
        if (!t.ranges.some(([a, b]) => a <= o && o + Math.max(op, 1) <= b)) break;
        const np = pagesOf(newSize);
        const place = (): number => {
          if (newAddr !== null && (s.flags & MREMAP_FIXED) !== 0) return Math.floor(newAddr / PAGE);
          if (newAddr !== null && fixedOrDontunmap && t.isFree(newAddr / PAGE, newAddr / PAGE + np)) {
            return Math.floor(newAddr / PAGE);
          }
          return t.topDown(np);
        };
        if ((s.flags & MREMAP_MAYMOVE) === 0) {
          if (fixedOrDontunmap) break;
          if (np <= op) t.remove(o + np, o + op);
          else if (t.isFree(o + op, o + np)) t.add(o + op, o + np);
          break;
        }
        if (oldSize === 0 || (s.flags & MREMAP_DONTUNMAP) !== 0) {
          const at = place();
          t.add(at, at + np);
          break;
        }
        if ((s.flags & MREMAP_FIXED) !== 0) {
          t.remove(o, o + op);
          const at = place();
          t.add(at, at + np);
          break;
        }
        if (np <= op) t.remove(o + np, o + op);
        else if (t.isFree(o + op, o + np)) t.add(o + op, o + np);
        else {
          t.remove(o, o + op);
          const at = t.topDown(np);
          t.add(at, at + np);
        }
        break;
      }
      case 'mprotect': {
        const picked = pickAddr(s.at, t);
        const length = pickLen(s.len, true);
        out.push({ op: 'mprotect', addr: clamp(picked, length), length, prot: s.prot });
        break;
      }
      case 'write': {
        const picked = pickAddr(s.at, t);
        const length = pickLen(s.len, true);
        out.push({ op: 'write', addr: clamp(picked, length), length, byte: s.byte });
        break;
      }
      case 'read': {
        const picked = pickAddr(s.at, t);
        const length = pickLen(s.len, true);
        out.push({ op: 'read', addr: clamp(picked, length), length });
        break;
      }
    }
  }
  return { steps: out };
}

/** Random programs of 8–30 steps. */
export function programArbitrary(minSteps = 8, maxSteps = 30): fc.Arbitrary<Program> {
  // Start with 1–3 mmaps (so that early steps have something to hit), then anything.
  return fc
    .tuple(
      fc.array(mmapStep, { minLength: 1, maxLength: 3 }),
      fc.array(abstractStep, { minLength: minSteps - 1, maxLength: maxSteps - 3 }),
    )
    .map(([first, rest]) => concretize([...first, ...rest]));
}

/** A fixed program of `count` raw steps (deterministic for a seed), for benchmarks. */
export function longProgram(count: number, seed = 42): Program {
  const [abstract] = fc.sample(fc.array(abstractStep, { minLength: count, maxLength: count }), {
    seed,
    numRuns: 1,
  });
  return concretize(abstract!);
}
