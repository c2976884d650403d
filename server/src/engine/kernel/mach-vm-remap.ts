// macOS mach_vm_remap(target_task, &target_address, size, mask, flags, src_task, src_address,
// copy, &cur_protection, &max_protection, inheritance) — the alias Linux lacks (facts linux-mm
// 7.5; xnu osfmk/man/vm_remap.html). With copy = FALSE it "maps the memory objects underlying" the
// source range a second time: both mappings show the same pages and the source stays intact,
// whatever the memory is (a GPU buffer object too). With copy = TRUE the target gets a copy.
//
// The model runs on the simulated (Linux-shaped) address space: a remap makes new VMAs over the
// same backing objects. Page granular, with mach_vm_remap's legacy rounding: the source address
// is truncated to its page and the SIZE alone rounded up to pages, not the end of the range.
// mach_vm_remap_external (osfmk/vm/vm_user.c) sets vmkf_remap_legacy_mode and never
// VM_FLAGS_RETURN_DATA_ADDR (only mach_vm_remap_new_external adds it), so vm_map_remap takes the
// path xnu's own comment calls broken: [0x1ff0, size 0x20] "yields [0x1000, 0x1000], which
// covers only the first 4k page. BUT some code unfortunately depends on this bug"
// (apple-oss-distributions/xnu osfmk/vm/vm_map.c vm_map_remap at 0f4c859e: memory_address =
// vm_map_trunc_page(memory_address); size = vm_map_round_page(size); at 5c306bec
// vm_map_remap_sanitize passes VM_SANITIZE_FLAGS_REALIGN_START, "the old (broken) semantics",
// and osfmk/vm/vm_sanitize.c vm_sanitize_addr_size at 4f1223e8 then rounds trunc(addr) + size).
// The target is the page the call returns.
//
// Errors, in the order checked here:
//   KERN_INVALID_ARGUMENT    size 0
// VM_FLAGS_OVERWRITE without VM_FLAGS_FIXED is not an error: VM_FLAGS_USER_REMAP
// (osfmk/mach/vm_statistics.h) lets it through mach_vm_remap_external's filter, and neither
// vm_map_remap (0f4c859e) nor vm_map_remap_range_allocate / vm_map_locate_space_anywhere
// (5c306bec) looks at it on the anywhere path: the remap goes to the first free range.
//   KERN_INVALID_ADDRESS     part of the source range is not mapped (vm_map_lookup_entry fails);
//                            a FIXED target outside the map [min, max) (vm_map.c at 0f4c859e,
//                            vm_map_remap_range_allocate: start < min_offset || end > max_offset
//                            -> KERN_INVALID_ADDRESS; at 5c306bec vm_map_remap calls
//                            vm_map_locate_space_fixed, which keeps that check)
//   KERN_PROTECTION_FAILURE  copy = TRUE and the source is not readable (vm_map_copyin's VM_PROT_READ check)
//   KERN_NO_SPACE            FIXED without OVERWRITE onto something mapped ("unless that space is
//                            already allocated"), or no free range (anywhere)
// The map's end is config.taskSize, which `platform macos` sets to MACH_VM_MAX_ADDRESS
// (sim/macos-geometry.ts); its start is mmap_min_addr, Linux's (docs/language.md).
import { formatHex } from '../numbers';
import { freePrivatePages, removeRange } from './unmap-range';
import { describeRange } from './state';
import { makeVma } from './vma';
import { ownerOf, PROT_READ, PROT_WRITE } from './types';
import type { KernelState } from './state';
import type { Effect, Origin, Vma } from './types';

export type KernReturn =
  | 'KERN_SUCCESS'
  | 'KERN_INVALID_ADDRESS'
  | 'KERN_PROTECTION_FAILURE'
  | 'KERN_NO_SPACE'
  | 'KERN_INVALID_ARGUMENT';

export const KERN_RETURN_NAMES: readonly KernReturn[] = [
  'KERN_SUCCESS',
  'KERN_INVALID_ADDRESS',
  'KERN_PROTECTION_FAILURE',
  'KERN_NO_SPACE',
  'KERN_INVALID_ARGUMENT',
];

export interface MachVmRemapArgs {
  /** target_address: exact with `fixed`, where the search starts otherwise (VM_FLAGS_ANYWHERE). */
  readonly target: bigint;
  readonly size: bigint;
  readonly source: bigint;
  /** VM_FLAGS_FIXED (else VM_FLAGS_ANYWHERE). */
  readonly fixed: boolean;
  /** VM_FLAGS_OVERWRITE: replace what is mapped at the target. */
  readonly overwrite: boolean;
  /** copy = TRUE: the target gets a copy; FALSE: the same pages (an alias). */
  readonly copy: boolean;
}

export type MachVmRemapResult =
  | {
      readonly ok: true;
      /** The target address (page aligned: the page holding the source address). */
      readonly value: bigint;
      /** Most restrictive protection found in the source range (cur_protection / max_protection). */
      readonly curProtection: number;
      readonly effects: readonly Effect[];
    }
  | {
      readonly ok: false;
      readonly kr: KernReturn;
      readonly reason: string;
      readonly effects: readonly Effect[];
    };

function refuse(kr: KernReturn, reason: string): MachVmRemapResult {
  return { ok: false, kr, reason, effects: [] };
}

export function doMachVmRemap(
  state: KernelState,
  args: MachVmRemapArgs,
  origin: Origin,
  label?: string,
): MachVmRemapResult {
  const P = state.geo.pageSize;
  const p = state.geo.pageBytes;
  if (args.size === 0n) return refuse('KERN_INVALID_ARGUMENT', 'size is 0');
  // The legacy rounding (header): the size is rounded, not the end, so a range that crosses a
  // page boundary loses its last page.
  const srcStart = args.source - (args.source % P);
  const srcEnd = srcStart + (args.size % P === 0n ? args.size : args.size + (P - (args.size % P)));
  if (srcEnd > state.config.taskSize)
    return refuse(
      'KERN_INVALID_ADDRESS',
      `the source range runs past the end of the map (${formatHex(srcEnd)})`,
    );
  const srcStartPage = Number(srcStart / P);
  const srcEndPage = Number(srcEnd / P);
  const pages = srcEndPage - srcStartPage;
  const pieces: Vma[] = [];
  let cursor = srcStartPage;
  for (const v of state.vmas.overlapping(srcStartPage, srcEndPage)) {
    if (v.startPage > cursor) break;
    const start = Math.max(v.startPage, srcStartPage);
    const end = Math.min(v.endPage, srcEndPage);
    pieces.push(makeVma({ ...v, startPage: start, endPage: end, pgoff: v.pgoff + (start - v.startPage) }));
    cursor = end;
  }
  if (cursor < srcEndPage)
    return refuse(
      'KERN_INVALID_ADDRESS',
      `the source ${describeRange(state, cursor, Math.min(srcEndPage, cursor + 1))} is not mapped (vm_map_lookup_entry)`,
    );
  let curProtection = PROT_READ | PROT_WRITE | 4;
  for (const piece of pieces) curProtection &= piece.prot;
  if (args.copy && pieces.some((piece) => (piece.prot & (PROT_READ | PROT_WRITE)) === 0))
    return refuse('KERN_PROTECTION_FAILURE', 'copy = TRUE needs the whole source readable (vm_map_copyin)');

  // Where the new mapping goes.
  let targetPage: number;
  const lowest = Number((state.config.mmapMinAddr + P - 1n) / P);
  const top = Number(state.config.taskSize / P);
  if (args.fixed) {
    const target = args.target - (args.target % P);
    targetPage = Number(target / P);
    if (targetPage < lowest || targetPage + pages > top)
      return refuse(
        'KERN_INVALID_ADDRESS',
        `${formatHex(target)} + ${pages} pages lies outside the map [${formatHex(BigInt(lowest) * P)}, ${formatHex(BigInt(top) * P)})`,
      );
    if (!args.overwrite && state.vmas.intersects(targetPage, targetPage + pages)) {
      const there = state.vmas.overlapping(targetPage, targetPage + pages)[0] as Vma;
      return refuse(
        'KERN_NO_SPACE',
        `VM_FLAGS_FIXED without VM_FLAGS_OVERWRITE: ${describeRange(state, there.startPage, there.endPage)}${there.label ? ` (${there.label})` : ''} is already allocated at the target`,
      );
    }
  } else {
    // VM_FLAGS_ANYWHERE: the first free range at or above the hint (vm_map_find_space, bottom-up),
    // by the VMA set's gap search (a walk from mapping to mapping made many remaps quadratic).
    const found = state.vmas.findBottomUp(Math.max(lowest, Number(args.target / P)), top, pages);
    if (found < 0) return refuse('KERN_NO_SPACE', `no free range of ${pages} pages in the map`);
    targetPage = found;
  }

  const effects: Effect[] = [];
  const built: Vma[] = [];
  const copyObject = args.copy ? state.objects.createAnon(true) : undefined;
  for (const piece of pieces) {
    const startPage = targetPage + (piece.startPage - srcStartPage);
    const endPage = startPage + (piece.endPage - piece.startPage);
    if (copyObject !== undefined) {
      built.push(
        makeVma({
          startPage,
          endPage,
          prot: piece.prot,
          vmFlags: piece.vmFlags & ~(1 | 2), // a private copy: not VM_SHARED/VM_MAYSHARE
          object: copyObject,
          pgoff: startPage,
          anon: copyObject,
          owner: ownerOf(origin),
          createdStep: origin.step,
          label,
        }),
      );
    } else {
      // The same object and offset: both mappings show the same pages.
      if (piece.anon !== undefined) {
        state.objects.markDisplaced(piece.anon);
        state.objects.markAliased(piece.anon);
      }
      if (piece.object.kind === 'anon') state.objects.markDisplaced(piece.object);
      built.push(
        makeVma({ ...piece, startPage, endPage, owner: ownerOf(origin), createdStep: origin.step, label }),
      );
    }
  }
  if (copyObject !== undefined) {
    // Snapshot the source into the copy before anything at the target goes (they may overlap).
    for (const piece of pieces) {
      const base = piece.pgoff * p;
      const to = (targetPage + (piece.startPage - srcStartPage)) * p;
      const length = (piece.endPage - piece.startPage) * p;
      const id = piece.anon?.id ?? piece.object.id;
      state.contents.read(id, base, base + length, 0, {
        run(start, end, datum, fresh) {
          if (!fresh) state.contents.write(copyObject.id, to + (start - base), to + (end - base), datum);
        },
      });
    }
  }
  // The victims' private pages are freed once the alias is in: remapping a page onto itself keeps it.
  const victims = removeRange(state, targetPage, targetPage + pages, true);
  if (victims.length > 0)
    effects.push({ kind: 'replaced', startPage: targetPage, endPage: targetPage + pages, victims });
  state.vmas.splice(targetPage, targetPage + pages, built, 'none');
  for (const victim of victims) freePrivatePages(state, victim);
  for (const vma of built) effects.push({ kind: 'mapped', vma });
  if (copyObject === undefined)
    effects.push({
      kind: 'aliased',
      startPage: targetPage,
      endPage: targetPage + pages,
      sourcePage: srcStartPage,
    });
  return { ok: true, value: BigInt(targetPage) * P, curProtection, effects };
}
