// The kernel selftests of facts 5.1 (mremap_dontunmap.c) and 5.2 (mremap_test.c, the cases that fit a
// syscall program) as programs with expectations. selftests.test.ts runs each on the kernel and on
// the simulator and checks the expectations on both.
import type { Addr, MapLine, Program, Rle, RunResult, Step, StepRef } from './program';
import { PAGE } from './program';

const P = PAGE;
const MiB = 1 << 20;
const GiB = 2 ** 30;
const RW = 3;
const PRIV_ANON = 0x22;
const SHARED_ANON = 0x21;
const MAP_SHARED = 0x01;
const MAP_FIXED = 0x10;
const MAP_FIXED_NOREPLACE = 0x100000;
const MAYMOVE = 1;
const FIXED = 2;
const DONTUNMAP = 4;
const A = 0x61; // 'a'
const X = 0x58; // 'X'

export type Expectation =
  | { readonly step: number; readonly ok: true; readonly value?: Addr }
  | {
      readonly step: number;
      readonly ok: false;
      readonly errno?: string;
      readonly signal?: 'SIGSEGV' | 'SIGBUS';
    }
  | { readonly step: number; readonly bytes: Rle }
  /** After `step`, one maps line covers exactly [at, at+length) (is_range_mapped, exact). */
  | { readonly step: number; readonly singleVma: { readonly at: Addr; readonly length: number } }
  /** After `step`, [at, at+length) is entirely mapped (true) or entirely unmapped (false). */
  | {
      readonly step: number;
      readonly mapped: { readonly at: Addr; readonly length: number; readonly expect: boolean };
    };

export interface SelftestCase {
  readonly name: string;
  /** Where the case comes from, as cited in the facts sheet. */
  readonly source: string;
  readonly program: Program;
  readonly expect: readonly Expectation[];
}

class Builder {
  readonly steps: Step[] = [];
  private add(s: Step): number {
    this.steps.push(s);
    return this.steps.length - 1;
  }
  mmap(addr: Addr, length: number, flags: number, prot = RW, fdRef = -1, offset = 0): number {
    return this.add({ op: 'mmap', addr, length, prot, flags, fdRef, offset });
  }
  munmap(addr: Addr, length: number): number {
    return this.add({ op: 'munmap', addr, length });
  }
  mremap(old: Addr, oldSize: number, newSize: number, flags: number, newAddr: Addr = null): number {
    return this.add({ op: 'mremap', old, oldSize, newSize, flags, newAddr });
  }
  mprotect(addr: Addr, length: number, prot: number): number {
    return this.add({ op: 'mprotect', addr, length, prot });
  }
  write(addr: Addr, length: number, byte: number): number {
    return this.add({ op: 'write', addr, length, byte });
  }
  read(addr: Addr, length: number): number {
    return this.add({ op: 'read', addr, length });
  }
  memfd(name: string, size: number): number {
    return this.add({ op: 'memfd', name, size });
  }
  get program(): Program {
    return { steps: this.steps };
  }
}

const ref = (step: number, plus = 0): StepRef => ({ ref: step, plus });
const fill = (byte: number, n: number): Rle => [[byte, n]];

function dontunmapCases(): SelftestCase[] {
  const cases: SelftestCase[] = [];
  const src = '5.1 mremap_dontunmap.c';
  {
    const b = new Builder();
    const s = b.mmap(null, P, PRIV_ANON, 0);
    const r = b.mremap(ref(s), P, P, DONTUNMAP | MAYMOVE, null);
    cases.push({
      name: 'kernel_support_for_mremap_dontunmap',
      source: `${src} #0`,
      program: b.program,
      expect: [{ step: r, ok: true }],
    });
  }
  {
    const b = new Builder();
    const s = b.mmap(null, 5 * P, PRIV_ANON);
    b.write(ref(s), 5 * P, A);
    const d = b.mremap(ref(s), 5 * P, 5 * P, DONTUNMAP | MAYMOVE, null);
    const rd = b.read(ref(d), 5 * P);
    const rs = b.read(ref(s), 5 * P);
    const u1 = b.munmap(ref(d), 5 * P);
    const u2 = b.munmap(ref(s), 5 * P);
    cases.push({
      name: 'mremap_dontunmap_simple',
      source: `${src} #1`,
      program: b.program,
      expect: [
        { step: d, ok: true },
        { step: d, mapped: { at: ref(s), length: 5 * P, expect: true } },
        { step: rd, bytes: fill(A, 5 * P) },
        { step: rs, bytes: fill(0, 5 * P) },
        { step: u1, ok: true },
        { step: u2, ok: true },
      ],
    });
  }
  {
    const b = new Builder();
    b.memfd('memfd', 5 * P);
    const s = b.mmap(null, 5 * P, MAP_SHARED, RW, 0, 0);
    b.write(ref(s), 5 * P, A);
    const d = b.mremap(ref(s), 5 * P, 5 * P, DONTUNMAP | MAYMOVE, null);
    const rd = b.read(ref(d), 5 * P);
    const rs = b.read(ref(s), 5 * P);
    cases.push({
      name: 'mremap_dontunmap_simple_shmem',
      source: `${src} #2`,
      program: b.program,
      expect: [
        { step: d, ok: true },
        { step: rd, bytes: fill(A, 5 * P) },
        { step: rs, bytes: fill(A, 5 * P) },
      ],
    });
  }
  {
    const b = new Builder();
    const dest = b.mmap(null, 5 * P, PRIV_ANON);
    b.write(ref(dest), 5 * P, X);
    const s = b.mmap(null, 5 * P, PRIV_ANON);
    b.write(ref(s), 5 * P, A);
    const r = b.mremap(ref(s), 5 * P, 5 * P, FIXED | DONTUNMAP | MAYMOVE, ref(dest));
    const rd = b.read(ref(dest), 5 * P);
    const rs = b.read(ref(s), 5 * P);
    cases.push({
      name: 'mremap_dontunmap_simple_fixed',
      source: `${src} #3`,
      program: b.program,
      expect: [
        { step: r, ok: true, value: ref(dest) },
        { step: rd, bytes: fill(A, 5 * P) },
        { step: rs, bytes: fill(0, 5 * P) },
      ],
    });
  }
  {
    const b = new Builder();
    const s = b.mmap(null, 10 * P, PRIV_ANON);
    b.write(ref(s), 10 * P, A);
    const d = b.mremap(ref(s, 5 * P), 5 * P, 5 * P, DONTUNMAP | MAYMOVE, null);
    const r1 = b.read(ref(s), 5 * P);
    const r2 = b.read(ref(s, 5 * P), 5 * P);
    const r3 = b.read(ref(d), 5 * P);
    const u = b.munmap(ref(s), 10 * P);
    cases.push({
      name: 'mremap_dontunmap_partial_mapping',
      source: `${src} #4`,
      program: b.program,
      expect: [
        { step: d, ok: true },
        { step: r1, bytes: fill(A, 5 * P) },
        { step: r2, bytes: fill(0, 5 * P) },
        { step: r3, bytes: fill(A, 5 * P) },
        { step: u, ok: true },
      ],
    });
  }
  {
    const b = new Builder();
    const s = b.mmap(null, 5 * P, PRIV_ANON);
    b.write(ref(s), 5 * P, A);
    const dest = b.mmap(null, 10 * P, PRIV_ANON);
    b.write(ref(dest), 10 * P, X);
    const r = b.mremap(ref(s), 5 * P, 5 * P, DONTUNMAP | MAYMOVE | FIXED, ref(dest));
    const rs = b.read(ref(s), 5 * P);
    const r1 = b.read(ref(dest), 5 * P);
    const r2 = b.read(ref(dest, 5 * P), 5 * P);
    cases.push({
      name: 'mremap_dontunmap_partial_mapping_overwrite',
      source: `${src} #5`,
      program: b.program,
      expect: [
        { step: r, ok: true, value: ref(dest) },
        { step: rs, bytes: fill(0, 5 * P) },
        { step: r1, bytes: fill(A, 5 * P) },
        { step: r2, bytes: fill(X, 5 * P) },
      ],
    });
  }
  return cases;
}

/** The first address >= 40 MiB that is aligned to exactly `align` (not to 2*align), like get_source_mapping. */
function exactlyAligned(from: number, align: number): number {
  let k = Math.ceil(from / align);
  if (k % 2 === 0) k++;
  return k * align;
}

/** Writes a recognisable pattern over [at, at+length) and returns the expected RLE. */
function pattern(b: Builder, at: (plus: number) => Addr, length: number): Rle {
  const quarter = Math.max(P, Math.floor(length / 4 / P) * P);
  const runs: [number, number][] = [];
  let off = 0;
  let byte = 0x11;
  while (off < length) {
    const n = Math.min(quarter, length - off);
    b.write(at(off), n, byte);
    runs.push([byte, n]);
    off += n;
    byte += 0x22;
  }
  return runs;
}

function remapRegionCase(
  index: number,
  srcAlign: number,
  destAlign: number,
  size: number,
  overlapping: boolean,
  preamble = false,
): SelftestCase {
  const b = new Builder();
  const source = `5.2 mremap_test.c remap_region #${index}`;
  const name = `remap_region src=${srcAlign} dest=${destAlign} size=${size}${overlapping ? ' overlapping' : ''}${preamble ? ' preamble' : ''}`;
  const base = 40 * MiB;
  if (srcAlign < P) {
    // get_source_mapping skips the 2x-aligned candidates: the first one it tries is base + srcAlign.
    const m = b.mmap(base + srcAlign, size, SHARED_ANON | MAP_FIXED_NOREPLACE);
    return { name, source, program: b.program, expect: [{ step: m, ok: false, errno: 'EINVAL' }] };
  }
  const src = exactlyAligned(base, srcAlign);
  const m = b.mmap(src, size, SHARED_ANON | MAP_FIXED_NOREPLACE);
  const threshold = Math.min(size, 4 * MiB);
  const expected = pattern(b, (plus) => src + plus, threshold);
  let dest: number;
  if (overlapping) {
    dest = Math.floor((src + size - destAlign) / destAlign) * destAlign;
  } else {
    // Adapted: with a preamble, dest sits 40 MiB further so that the preamble does not overlap src.
    dest = exactlyAligned(src + size + destAlign + (preamble ? 40 * MiB : 0), destAlign);
  }
  const expect: Expectation[] = [{ step: m, ok: true }];
  let preambleRle: Rle | undefined;
  let preambleAt = 0;
  if (preamble) {
    preambleAt = dest - 40 * MiB;
    const pm = b.mmap(preambleAt, 40 * MiB, SHARED_ANON | MAP_FIXED_NOREPLACE);
    expect.push({ step: pm, ok: true });
    preambleRle = pattern(b, (plus) => preambleAt + plus, 40 * MiB);
  }
  const r = b.mremap(src, size, size, MAYMOVE | FIXED, dest);
  if (overlapping) {
    expect.push({ step: r, ok: false, errno: 'EINVAL' });
    return { name, source, program: b.program, expect };
  }
  expect.push({ step: r, ok: true, value: dest });
  const rd = b.read(dest, threshold);
  expect.push({ step: rd, bytes: expected });
  if (preambleRle) {
    const rp = b.read(preambleAt, 40 * MiB);
    expect.push({ step: rp, bytes: preambleRle });
  }
  return { name, source, program: b.program, expect };
}

function mremapTestCases(): SelftestCase[] {
  const KiB = 1024;
  const PMD = 2 * MiB;
  const cases: SelftestCase[] = [
    remapRegionCase(0, P, P, P, true),
    remapRegionCase(2, KiB, P, P, false),
    remapRegionCase(3, P, P, 8 * KiB, false),
    remapRegionCase(4, MiB, P, 2 * MiB, false),
    remapRegionCase(5, MiB, MiB, 2 * MiB, false),
    remapRegionCase(6, PMD, P, 4 * MiB, false),
    remapRegionCase(7, PMD, MiB, 4 * MiB, false),
    remapRegionCase(8, PMD, PMD, 4 * MiB, false),
    remapRegionCase(9, GiB, P, 2 * GiB, false),
    remapRegionCase(10, GiB, MiB, 2 * GiB, false),
    remapRegionCase(11, GiB, PMD, 2 * GiB, false),
    remapRegionCase(12, GiB, GiB, 2 * GiB, false),
    remapRegionCase(13, MiB, MiB, 5 * MiB, false),
    remapRegionCase(14, MiB, MiB, 5 * MiB, false, true),
  ];
  {
    // #1: dest aligned to 1 KiB only: mremap sees an unaligned new_address.
    const b = new Builder();
    const src = exactlyAligned(40 * MiB, P);
    const m = b.mmap(src, P, SHARED_ANON | MAP_FIXED_NOREPLACE);
    const r = b.mremap(src, P, P, MAYMOVE | FIXED, src + 2 * P + KiB);
    cases.splice(1, 0, {
      name: 'remap_region src=4096 dest=1024 size=4096',
      source: '5.2 mremap_test.c remap_region #1',
      program: b.program,
      expect: [
        { step: m, ok: true },
        { step: r, ok: false, errno: 'EINVAL' },
      ],
    });
  }
  const src = '5.2 mremap_test.c';
  for (const [name, munmapAt, growAt] of [
    ['mremap_expand_merge', 1, 0],
    ['mremap_expand_merge_offset', 2, 1],
  ] as const) {
    const b = new Builder();
    const s = b.mmap(null, 3 * P, PRIV_ANON);
    const u = b.munmap(ref(s, munmapAt * P), P);
    const r = b.mremap(ref(s, growAt * P), P, 2 * P, 0);
    cases.push({
      name,
      source: `${src} B`,
      program: b.program,
      expect: [
        { step: u, ok: true },
        { step: r, ok: true, value: ref(s, growAt * P) },
        { step: r, singleVma: { at: ref(s), length: 3 * P } },
      ],
    });
  }
  {
    // C1 mremap_move_within_range
    const b = new Builder();
    const ptr = 64 * MiB;
    b.mmap(ptr, 20 * MiB, PRIV_ANON | MAP_FIXED);
    b.write(ptr, 20 * MiB, 0);
    const s = Math.floor((ptr + 6 * MiB) / (2 * MiB)) * 2 * MiB;
    const data = pattern(b, (plus) => s + plus, 2 * MiB);
    const dest = s - 2 * MiB;
    const r = b.mremap(s + MiB, MiB, MiB, MAYMOVE | FIXED, dest + MiB);
    const rs = b.read(s, MiB);
    const firstHalf = sliceRle(data, 0, MiB);
    cases.push({
      name: 'mremap_move_within_range',
      source: `${src} C1`,
      program: b.program,
      expect: [
        { step: r, ok: true, value: dest + MiB },
        { step: rs, bytes: firstHalf },
      ],
    });
  }
  {
    // C2 mremap_move_1mb_from_start
    const b = new Builder();
    const align = MiB + 256 * 1024;
    const s = exactlyAligned(40 * MiB, align);
    const d = exactlyAligned(s + 6 * MiB, align);
    b.mmap(s, 6 * MiB, SHARED_ANON | MAP_FIXED_NOREPLACE);
    b.mmap(d, 6 * MiB, SHARED_ANON | MAP_FIXED_NOREPLACE);
    const data = pattern(b, (plus) => s + plus, 2 * MiB);
    b.munmap(d, MiB);
    const r = b.mremap(s + MiB, MiB, MiB, MAYMOVE | FIXED, d + MiB);
    const rs = b.read(s, MiB);
    cases.push({
      name: 'mremap_move_1mb_from_start',
      source: `${src} C2`,
      program: b.program,
      expect: [
        { step: r, ok: true, value: d + MiB },
        { step: rs, bytes: sliceRle(data, 0, MiB) },
      ],
    });
  }
  for (const inplace of [true, false]) {
    // C3/C4 mremap_shrink_multiple_vmas
    const b = new Builder();
    const ptr = 64 * MiB;
    const tgt = 128 * MiB;
    b.mmap(ptr, 10 * P, PRIV_ANON | MAP_FIXED);
    for (const i of [1, 3, 5, 7, 9]) b.munmap(ptr + i * P, P);
    const r = inplace ? b.mremap(ptr, 10 * P, P, 0) : b.mremap(ptr, 10 * P, P, MAYMOVE | FIXED, tgt);
    cases.push({
      name: `mremap_shrink_multiple_vmas(inplace=${inplace})`,
      source: `${src} C${inplace ? 3 : 4}`,
      program: b.program,
      expect: [{ step: r, ok: true, value: inplace ? ptr : tgt }],
    });
  }
  for (const dontunmap of [false, true]) {
    // C5/C6 mremap_move_multiple_vmas
    const b = new Builder();
    const ptr = 64 * MiB;
    const tgt = 128 * MiB;
    const flags = MAYMOVE | FIXED | (dontunmap ? DONTUNMAP : 0);
    b.mmap(ptr, 11 * P, PRIV_ANON | MAP_FIXED);
    for (const i of [1, 3, 7, 9]) b.munmap(ptr + i * P, P);
    const mapped = [0, 2, 4, 5, 6, 8, 10];
    for (const i of mapped) b.write(ptr + i * P, P, 0x30 + i);
    const expect: Expectation[] = [];
    const checkAt = (at: number): void => {
      for (let i = 0; i < 11; i++) {
        const rd = b.read(at + i * P, P);
        expect.push(
          mapped.includes(i)
            ? { step: rd, bytes: fill(0x30 + i, P) }
            : { step: rd, ok: false, signal: 'SIGSEGV' },
        );
      }
    };
    const a = b.mremap(ptr, 11 * P, 11 * P, flags, tgt);
    expect.push({ step: a, ok: true, value: tgt });
    checkAt(tgt);
    const c1 = b.mremap(tgt, 11 * P, 11 * P, flags, tgt + 11 * P);
    expect.push({ step: c1, ok: true, value: tgt + 11 * P });
    const occ = b.mmap(tgt, 11 * P, PRIV_ANON | MAP_FIXED, 0);
    expect.push({ step: occ, ok: true, value: tgt });
    const c2 = b.mremap(tgt + 11 * P, 11 * P, 11 * P, flags, tgt);
    expect.push({ step: c2, ok: true, value: tgt });
    checkAt(tgt);
    cases.push({
      name: `mremap_move_multiple_vmas(dontunmap=${dontunmap})`,
      source: `${src} C${dontunmap ? 6 : 5}`,
      program: b.program,
      expect,
    });
  }
  for (const dontunmap of [false, true]) {
    // C7/C8 mremap_move_multiple_vmas_split
    const b = new Builder();
    const ptr = 64 * MiB;
    const tgt = 128 * MiB;
    const flags = MAYMOVE | FIXED | (dontunmap ? DONTUNMAP : 0);
    b.mmap(ptr, 10 * P, PRIV_ANON | MAP_FIXED);
    b.munmap(ptr + 5 * P, P);
    for (const i of [0, 1, 2, 3, 4, 6, 7, 8, 9]) b.write(ptr + i * P, P, 0x30 + i);
    const r = b.mremap(ptr + 2 * P, 7 * P, 7 * P, flags, tgt);
    const expect: Expectation[] = [{ step: r, ok: true, value: tgt }];
    for (let i = 0; i < 7; i++) {
      const rd = b.read(tgt + i * P, P);
      expect.push(
        i === 3 ? { step: rd, ok: false, signal: 'SIGSEGV' } : { step: rd, bytes: fill(0x30 + 2 + i, P) },
      );
    }
    cases.push({
      name: `mremap_move_multiple_vmas_split(dontunmap=${dontunmap})`,
      source: `${src} C${dontunmap ? 8 : 7}`,
      program: b.program,
      expect,
    });
  }
  return cases;
}

function sliceRle(r: Rle, from: number, to: number): Rle {
  const out: [number, number][] = [];
  let off = 0;
  for (const [b, n] of r) {
    const s = Math.max(off, from);
    const e = Math.min(off + n, to);
    if (e > s) out.push([b, e - s]);
    off += n;
  }
  return out;
}

export function selftestCases(): SelftestCase[] {
  return [...dontunmapCases(), ...mremapTestCases()];
}

/** Resolves an address operand against a run's results, arena-relative (undefined if unknowable). */
function resolve(a: Addr, run: RunResult): number | undefined {
  if (a === null) return 0;
  if (typeof a === 'number') return a;
  const o = run.steps[a.ref]?.outcome;
  if (!o || o.kind !== 'ok' || !o.rel) return undefined;
  return o.value + (a.plus ?? 0);
}

function covers(maps: readonly MapLine[], at: number, length: number): 'all' | 'none' | 'part' {
  let covered = 0;
  for (const m of maps) covered += Math.max(0, Math.min(m.end, at + length) - Math.max(m.start, at));
  return covered === length ? 'all' : covered === 0 ? 'none' : 'part';
}

/** The failed expectations, as messages (empty when all hold). */
export function checkExpectations(c: SelftestCase, run: RunResult): string[] {
  const errors: string[] = [];
  if (run.crash !== undefined) return [`crashed: ${run.crash} ${run.crashMessage ?? ''}`];
  for (const e of c.expect) {
    const r = run.steps[e.step];
    if (!r) {
      errors.push(`step ${e.step}: no result`);
      continue;
    }
    const o = r.outcome;
    const where = `step ${e.step} (${r.op})`;
    if ('ok' in e) {
      if (e.ok) {
        if (o.kind !== 'ok') errors.push(`${where}: expected success, got ${JSON.stringify(o)}`);
        else if (e.value !== undefined) {
          const want = resolve(e.value, run);
          if (!o.rel || o.value !== want)
            errors.push(`${where}: expected A+0x${want?.toString(16)}, got ${JSON.stringify(o)}`);
        }
      } else {
        if (o.kind === 'ok') errors.push(`${where}: expected failure, got success`);
        else if (e.errno && (o.kind !== 'errno' || o.errno !== e.errno)) {
          errors.push(`${where}: expected ${e.errno}, got ${JSON.stringify(o)}`);
        } else if (e.signal && (o.kind !== 'signal' || o.signal !== e.signal)) {
          errors.push(`${where}: expected ${e.signal}, got ${JSON.stringify(o)}`);
        }
      }
    } else if ('bytes' in e) {
      const got = JSON.stringify(r.bytes ?? []);
      if (o.kind !== 'ok' || got !== JSON.stringify(e.bytes)) {
        errors.push(`${where}: expected bytes ${JSON.stringify(e.bytes)}, got ${got} (${JSON.stringify(o)})`);
      }
    } else {
      const maps = r.maps ?? [];
      const spec = 'singleVma' in e ? e.singleVma : e.mapped;
      const at = resolve(spec.at, run);
      if (at === undefined) {
        errors.push(`${where}: cannot resolve the address`);
        continue;
      }
      if ('singleVma' in e) {
        if (!maps.some((m) => m.start === at && m.end === at + spec.length)) {
          errors.push(
            `${where}: expected one VMA exactly [A+0x${at.toString(16)}, +0x${spec.length.toString(16)}), maps: ${JSON.stringify(maps)}`,
          );
        }
      } else {
        const want = e.mapped.expect ? 'all' : 'none';
        const got = covers(maps, at, spec.length);
        if (got !== want) errors.push(`${where}: expected range mapped=${e.mapped.expect}, got ${got}`);
      }
    }
  }
  return errors;
}
