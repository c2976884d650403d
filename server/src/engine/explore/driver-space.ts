// The space of driver behaviours that exploration walks, defined once, as data: each trait (by
// its driver-block keyword), the values it can take (as the DriverTraits fields they set), and
// the combinations no real driver can have. Exploration derives everything from this table —
// the dimensions, which DriverTraits fields belong to which trait (to see what a run consulted),
// the labels in its reports — so adding a trait or a value here needs no other change.
import { DEFAULT_TRAITS, PRESETS, type DriverTraits } from '../model/driver';
import { KiB, MiB } from '../numbers';

/** One value of a trait: the word a driver block would use, and what it sets. */
export interface TraitValue {
  /** `at-map`, `shmem`, `yes`, `4KiB`: the word in reports (`maps = pool`). */
  readonly label: string;
  /** The DriverTraits fields this value sets; every value of a trait sets the same fields. */
  readonly set: Partial<DriverTraits>;
}

export interface TraitDimension {
  /** The driver-block keyword that `any` opens: `maps`, `backing`, `placed-map`… */
  readonly trait: string;
  /** The values, the first one the default (it matches DEFAULT_TRAITS for the built-in traits). */
  readonly values: readonly TraitValue[];
  /**
   * The strategies whose runs can read the trait (all when absent). Under another strategy the
   * trait is left out: a dimension no run reads would only multiply every count.
   */
  readonly onlyWith?: readonly string[];
}

/**
 * A combination no driver can have: every condition in `when` holds for one driver. A condition
 * is a value's label, or `!label` for every value but that one (so that a value added later is
 * covered: `'placed-map': '!none'` is any placed-map support).
 */
export interface ImpossibleCombination {
  readonly when: Readonly<Record<string, string>>;
  /**
   * What the driver's fixed traits must also be for the rule to apply, said in words (`lavapipe`)
   * and tested on them: a property no trait line sets, so not a dimension of `when`.
   */
  readonly fixed?: { readonly said: string; readonly holds: (traits: DriverTraits) => boolean };
  /** Why, with the facts it rests on (shown by `drvmap explore` and in docs/explore.md). */
  readonly why: string;
}

export interface DriverSpace {
  readonly traits: readonly TraitDimension[];
  readonly impossible: readonly ImpossibleCombination[];
}

const PLACED_4K = DEFAULT_TRAITS.placed;
const NO_PLACED = PRESETS.proprietary!.placed;

/**
 * H8, large aligned reservations (ANV slab parents are at least 2 MiB): not in DRIVER_SPACE.
 * Alignment changes how much of the window a mapping costs, so it decides a verdict only when
 * the window is nearly full, and every run reads it: exploring it doubles the runs. Explore it
 * with `{ ...DRIVER_SPACE, traits: [...DRIVER_SPACE.traits, ALIGNMENT_TRAIT] }`.
 */
export const ALIGNMENT_TRAIT: TraitDimension = {
  trait: 'alignment',
  values: [
    { label: '4KiB', set: { alignment: 4n * KiB } },
    { label: '2MiB', set: { alignment: 2n * MiB } },
  ],
};

/** The behaviours of the facts' §4 hazards (H1–H5, H8, box64#1946) and of VK_EXT_map_memory_placed. */
export const DRIVER_SPACE: DriverSpace = {
  traits: [
    {
      // H1 (pool), H3 (at-alloc).
      trait: 'maps',
      values: [
        { label: 'at-map', set: { maps: 'at-map' } },
        { label: 'at-alloc', set: { maps: 'at-alloc' } },
        { label: 'pool', set: { maps: 'pool' } },
      ],
    },
    {
      // DRM BO (VM_PFNMAP|VM_DONTEXPAND), memfd, private anonymous (H11, linux-mm 4.1).
      trait: 'backing',
      values: [
        { label: 'device', set: { backing: 'device' } },
        { label: 'shmem', set: { backing: 'shmem' } },
        { label: 'anon', set: { backing: 'anon' } },
      ],
    },
    {
      // H2.
      trait: 'caches-pointer',
      values: [
        { label: 'no', set: { cachesPointer: false } },
        { label: 'yes', set: { cachesPointer: true } },
      ],
    },
    {
      // H5.
      trait: 'reuses',
      values: [
        { label: 'never', set: { reuses: 'never' } },
        { label: 'after-unmap', set: { reuses: 'after-unmap' } },
        { label: 'after-free', set: { reuses: 'after-free' } },
      ],
    },
    {
      // Every Mesa driver: memoryMapPlaced at page alignment, no range placement, unmap reserve
      // (facts Appendix A.2); lavapipe and closed drivers: none.
      trait: 'placed-map',
      values: [
        { label: '4KiB', set: { placed: PLACED_4K } },
        { label: 'none', set: { placed: NO_PLACED } },
      ],
    },
    {
      // What Wine falls back to without placed maps, and what Wine 9.0 needs (vulkan-wine §3.2,
      // §3.4); without it Wine maps directly (§3.5). Read only on those paths (mmap32: box64 under the same Wine).
      trait: 'external-memory-host',
      onlyWith: ['placed', 'external-memory-host', 'mmap32'],
      values: [
        { label: 'yes', set: { externalMemoryHost: true } },
        { label: 'no', set: { externalMemoryHost: false } },
      ],
    },
    {
      // box64#1946: a raw syscall escapes a symbol hook.
      trait: 'mmap-via',
      values: [
        { label: 'libc', set: { mmapVia: 'libc' } },
        { label: 'syscall', set: { mmapVia: 'syscall' } },
      ],
    },
  ],
  impossible: [
    {
      when: { backing: 'anon', 'placed-map': '!none' },
      why:
        'A placed map is the driver mapping its buffer object again, with MAP_FIXED, at the address ' +
        'the caller reserved (VK_EXT_map_memory_placed; docs/hazards.md H7). Private anonymous memory has no object to map a second ' +
        'time: its pages live at one address, mremap can move them but never duplicate them ' +
        '(docs/facts/linux-mm.md §3.6), and a fresh MAP_FIXED anonymous map there is new zero-filled memory. A ' +
        'software driver that offers placed maps backs its memory with a memfd: that is `backing shmem`.',
    },
    {
      // lavapipe keeps its pointer whatever its backing (keepsPointer, deviceIsCpu): `no` would run
      // the same as `yes`, and name a behaviour `check` refuses (conflicting-traits).
      when: { 'caches-pointer': 'no' },
      fixed: { said: 'lavapipe', holds: (traits) => traits.softwareRasterizer },
      why:
        'lavapipe has no GPU whatever its backing: llvmpipe draws through the pointer ' +
        'llvmpipe_map_memory returned, so the driver always keeps it (H2).',
    },
    {
      when: { backing: 'anon', 'caches-pointer': 'no' },
      why:
        'Private anonymous memory belongs to a software driver, which has no GPU: every access it ' +
        'makes goes through its CPU pointer, which is what `caches-pointer` means (lavapipe: ' +
        '`buffer->map = mem->map + offset` at bind time, H2).',
    },
  ],
};

/** Whether a value's label meets a condition of an impossible combination (`label` or `!label`). */
export function matchesCondition(label: string, condition: string): boolean {
  return condition.startsWith('!') ? label !== condition.slice(1) : label === condition;
}

/** The DriverTraits fields a trait's values set: reading one of them is consulting that trait. */
export function fieldsOf(dimension: TraitDimension): readonly string[] {
  const fields = new Set<string>();
  for (const value of dimension.values) for (const field of Object.keys(value.set)) fields.add(field);
  return [...fields];
}

/** Whether fixed traits already have this value (for impossible combinations over fixed traits). */
export function traitsHaveValue(traits: DriverTraits, value: TraitValue): boolean {
  return Object.entries(value.set).every(([field, wanted]) =>
    sameValue(traits[field as keyof DriverTraits], wanted),
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** Checks the table: known traits' values set the same fields, no field belongs to two traits. */
export function checkSpace(space: DriverSpace): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const dimension of space.traits) {
    if (dimension.values.length === 0) problems.push(`trait ${dimension.trait} has no values`);
    const labels = new Set(dimension.values.map((v) => v.label));
    if (labels.size !== dimension.values.length) problems.push(`trait ${dimension.trait} repeats a value`);
    for (const field of fieldsOf(dimension)) {
      const other = owner.get(field);
      if (other && other !== dimension.trait)
        problems.push(`field ${field} is set by both ${other} and ${dimension.trait}`);
      owner.set(field, dimension.trait);
      if (!(field in DEFAULT_TRAITS))
        problems.push(`trait ${dimension.trait} sets ${field}, which is not a DriverTraits field`);
    }
  }
  for (const rule of space.impossible) {
    for (const [trait, condition] of Object.entries(rule.when)) {
      const dimension = space.traits.find((t) => t.trait === trait);
      const label = condition.replace(/^!/, '');
      if (!dimension) problems.push(`impossible combination names unknown trait ${trait}`);
      else if (!dimension.values.some((v) => v.label === label))
        problems.push(`impossible combination names unknown value ${trait} = ${label}`);
    }
  }
  return problems;
}
