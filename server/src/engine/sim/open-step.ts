// `open memfd|file|device "NAME" SIZE`: creates the object a later `mmap … fd NAME` maps, and
// binds the step's name to the open file.
import {
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_IO,
  VM_MIXEDMAP,
  VM_PFNMAP,
  VM_SHARED,
  type DeviceTraits,
  type FileSpec,
} from '../kernel/types';
import { isNvidiaUvm, nvidiaNodeAt } from '../model/nvidia-nodes';
import { i915NodeAt } from '../model/i915-nodes';
import { alignUp, formatHex, formatSize } from '../numbers';
import type { Expression, StepNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import { skippedForArguments } from './outcome';
import { optionNamed, optionValue, reportExtraArgument } from './step-arguments';
import type { Outcome } from './records';
import type { StepContext } from './step-context';

/** `actor`: who opens it (host unless the step names one, as for any raw syscall). */
export function openStep(context: StepContext, step: StepNode, actor: string): Outcome {
  const { sim, scope, problems } = context;
  const kind = step.words.find((w) => w.name === 'memfd' || w.name === 'file' || w.name === 'device');
  if (!kind) {
    problems.report('missing-argument', step.verb, 'open needs a kind: memfd, file or device');
    return skippedForArguments();
  }
  const nameArg = step.args.find((a) => a.kind === 'string');
  const sizeArg = step.args.find((a) => a.kind !== 'string') as Expression | undefined;
  for (const arg of step.args)
    if (arg !== nameArg && arg !== sizeArg) reportExtraArgument(context, step, arg, 'a name and a size');
  if (!sizeArg) {
    problems.report(
      'missing-argument',
      step.verb,
      'open needs the object size, e.g. `open memfd "buf" 20KiB`',
    );
    return skippedForArguments();
  }
  const size = scope.evaluate(sizeArg);
  if (size === undefined) return skippedForArguments();
  const rawName = nameArg?.kind === 'string' ? nameArg.value : (step.binding?.name ?? 'file');
  if (kind.name === 'memfd') {
    const refused = memfdNameRefused(rawName);
    if (refused) {
      sim.addCall({
        actor,
        text: `memfd_create("${rawName}")`,
        result: '= -1 EINVAL',
        ok: false,
        errno: 'EINVAL',
        reason: refused,
        effects: [],
      });
      return { kind: 'errno', errno: 'EINVAL', reason: refused };
    }
  }
  const has = (w: string) => step.words.some((x) => x.name === w);
  const path = kind.name === 'device' ? devicePath(rawName) : undefined;
  const nvidia = path !== undefined ? nvidiaNodeAt(path) : undefined;
  const i915 = path !== undefined ? i915NodeAt(path) : undefined;
  if (path !== undefined && nvidia !== undefined) {
    const refused = nvidiaWordRefused(step, nvidia, isNvidiaUvm(path));
    if (refused) {
      problems.report('wrong-kind', refused.node, refused.message);
      return skippedForArguments();
    }
  }
  // A device's object is whole pages, with or without `offset`: a GEM object's size is a page
  // multiple (drivers/gpu/drm/drm_gem.c drm_gem_private_object_init: BUG_ON(size & (PAGE_SIZE -
  // 1))), so drivers round a BO up when they create it (vulkan-wine §2: Mesa maps the page-rounded
  // BO size). The model's BO is that object; createBufferObject's own rounding is then a no-op.
  // On 16 KiB pages a 20 KiB BO is 32 KiB, which a 20 KiB mmap (32 KiB after PAGE_ALIGN) fits.
  const objectSize = path !== undefined ? alignUp(size, sim.space.config.pageSize) : size;
  const spec: FileSpec =
    path !== undefined
      ? deviceSpec(path, objectSize, has, nvidia ?? i915)
      : {
          kind: kind.name === 'memfd' ? 'memfd' : 'regular',
          // The kernel model names memfds as /proc/PID/maps does (`/memfd:NAME (deleted)`).
          name: rawName,
          sizeBytes: size,
          readable: true,
          writable: !has('readonly'),
        };
  // `open device … offset X`: a BO of a DRM node at fake offset X (a trace's), which mmap must
  // be given exactly (kernel/drm-offsets.ts); without it the device is one object at offset 0.
  const boOffset = optionValue(context, step, 'offset');
  if (boOffset !== undefined && kind.name !== 'device') {
    problems.report(
      'wrong-kind',
      optionNamed(step, 'offset') ?? step.verb,
      "`offset` is for `open device`: a buffer object's fake mmap offset",
    );
    return skippedForArguments();
  }
  const drm = boOffset !== undefined && spec.device !== undefined;
  const file = sim.space.openFile(
    drm ? { ...spec, sizeBytes: 0n, device: { ...spec.device!, fakeOffsets: true } } : spec,
  );
  if (drm && sim.space.createBufferObject(file, objectSize, boOffset) === undefined) {
    problems.report(
      'number-out-of-range',
      optionNamed(step, 'offset')?.value ?? step.verb,
      `a buffer object's fake offset is page aligned and its end at most 2^53: ${formatHex(boOffset)}`,
    );
    return skippedForArguments();
  }
  sim.note(
    actor,
    kind.name === 'memfd'
      ? `memfd_create("${rawName}") + ftruncate(${formatSize(size)})`
      : `open("${spec.name}")`,
    `= ${file.fd}`,
    true,
  );
  if (step.binding) scope.set(step.binding.name, { kind: 'file', file, step: sim.stepIndex });
  return { kind: 'ok' };
}

/**
 * memfd_create(2): "EINVAL The name was too long. (The limit is 249 bytes, excluding the
 * terminating null byte.)" — mm/memfd.c: MFD_NAME_MAX_LEN = NAME_MAX - strlen("memfd:"), so
 * that `memfd:NAME` fits a dentry name. Bytes, not characters: the name is UTF-8 on its way in.
 */
export const MEMFD_NAME_MAX_BYTES = 249;

/** Why memfd_create refuses `name`, or undefined when it takes it. */
function memfdNameRefused(name: string): string | undefined {
  const bytes = new TextEncoder().encode(name).length;
  if (bytes <= MEMFD_NAME_MAX_BYTES) return undefined;
  return `the name is ${bytes} bytes; memfd_create takes at most ${MEMFD_NAME_MAX_BYTES} (NAME_MAX less the "memfd:" prefix, MFD_NAME_MAX_LEN in mm/memfd.c)`;
}

/** The path a device's name stands for: a bare name is a render node's, under /dev/dri. */
function devicePath(rawName: string): string {
  return /[/:]/.test(rawName) ? rawName : `/dev/dri/${rawName}`;
}

/**
 * A DRM device node: a plain one maps as VM_IO|VM_PFNMAP (no COW), `mixedmap` as a
 * VM_MIXEDMAP object; `custom-placement` gives it its own get_unmapped_area. A device file whose
 * path names its driver (`known`: NVIDIA's files, i915's anon inode) maps as that driver's mmap
 * does, its flags, COW and size rules included.
 */
function deviceSpec(
  path: string,
  sizeBytes: bigint,
  has: (word: string) => boolean,
  known: DeviceTraits | undefined,
): FileSpec {
  const mixed = has('mixedmap');
  return {
    kind: 'device',
    name: path,
    sizeBytes,
    readable: true,
    writable: !has('readonly'),
    device:
      known !== undefined
        ? { ...known, customGetUnmappedArea: has('custom-placement') }
        : {
            vmFlags: mixed
              ? VM_MIXEDMAP | VM_SHARED | VM_DONTEXPAND | VM_DONTDUMP
              : VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP,
            rejectsCow: !mixed,
            customGetUnmappedArea: has('custom-placement'),
            refusesSplit: false,
          },
  };
}

/**
 * A word the NVIDIA device file's path contradicts: `offset` (NVIDIA has no fake offsets:
 * nvidia_mmap_helper takes vm_pgoff 0 only, facts linux-mm §4.1), or `mixedmap` on a GPU node,
 * whose BAR mapping is VM_IO|VM_PFNMAP (nvidia-nodes.ts).
 */
function nvidiaWordRefused(
  step: StepNode,
  nvidia: DeviceTraits,
  uvm: boolean,
): { readonly node: TextRange; readonly message: string } | undefined {
  const offset = optionNamed(step, 'offset');
  if (offset)
    return {
      node: offset,
      message: uvm
        ? "`offset` is a DRM node's fake offset: nvidia-uvm's offset is the mapping's own address (uvm_mmap: vm_start == vm_pgoff << PAGE_SHIFT), which drvmap does not model"
        : "`offset` is a DRM node's fake offset: an NVIDIA device file maps at offset 0 only (nvidia_mmap_helper: vm_pgoff must be 0)",
    };
  const mixedmap = step.words.find((w) => w.name === 'mixedmap');
  if (mixedmap && (nvidia.vmFlags & VM_MIXEDMAP) === 0)
    return {
      node: mixedmap,
      message:
        "`mixedmap` is not for an NVIDIA GPU node: nvidia_mmap_helper maps its BAR with io_remap_pfn_range, VM_IO|VM_PFNMAP; the path decides an NVIDIA file's flags",
    };
  return undefined;
}
