// TASK_SIZE and mm->mmap_base from a scenario's `task-size`, `mmap-base`, `layout`, arch and page
// size: the arch's defaults for what is not set, and `number-out-of-range` for a pair no kernel
// produces, which would otherwise make every mmap fail with an ENOMEM blamed on the kernel
// (arm64 review, finding 4). A value reported is not used; what follows from the others is.
import type { SettingNode } from '../syntax/ast';
import type { TextRange } from '../syntax/text-range';
import type { KernelConfig } from '../kernel/types';
import { archAddressSpace, arm64DefaultMapWindow, legacyMmapBase, topDownMmapBase } from '../kernel/config';
import { formatHex, formatSize } from '../numbers';
import type { LanguageProblem } from './problems';

/** What the settings say, before the arch's defaults fill the rest. */
export interface AddressSpaceSettings {
  readonly taskSize: bigint | undefined;
  readonly mmapBase: bigint | undefined;
}

/**
 * The TASK_SIZE and mmap_base a scenario runs with. `config` holds the arch, page size and
 * layout already decided; `sources` the setting lines, for where a problem is reported.
 */
export function resolveAddressSpace(
  config: Pick<KernelConfig, 'arch' | 'pageSize' | 'layout'>,
  set: AddressSpaceSettings,
  sources: ReadonlyMap<string, SettingNode>,
  problems: LanguageProblem[],
): { readonly taskSize: bigint; readonly mmapBase: bigint } {
  const page = config.pageSize;
  const arm64 = config.arch === 'arm64';
  const pageText = `${formatSize(page)} page`;
  let taskSize = set.taskSize;
  let mmapBase = set.mmapBase;
  // TASK_SIZE is a whole number of pages (x86-64: (1 << 47) - PAGE_SIZE; arm64: 1 << VA bits):
  // with any other, a MAP_FIXED map of the last page below it fails although the page is user
  // space (__get_unmapped_area: addr > TASK_SIZE - len).
  if (taskSize !== undefined && (taskSize === 0n || taskSize % page !== 0n)) {
    problems.push({
      code: 'number-out-of-range',
      range: valueRange(sources.get('task-size')),
      message:
        taskSize === 0n
          ? 'TASK_SIZE 0 leaves no user address space; the default stays'
          : `TASK_SIZE is a whole number of pages: ${formatHex(taskSize)} is not a multiple of the ${pageText}${arm64 ? ' (on arm64 it is 1 << VA bits, TASK_SIZE_64)' : ''}; the default stays`,
    });
    taskSize = undefined;
  }
  // mm->mmap_base is page aligned (mm/util.c mmap_base: PAGE_ALIGN; TASK_UNMAPPED_BASE too).
  if (mmapBase !== undefined && mmapBase % page !== 0n) {
    problems.push({
      code: 'number-out-of-range',
      range: valueRange(sources.get('mmap-base')),
      message: `mmap_base is page aligned: ${formatHex(mmapBase)} is not a multiple of the ${pageText}; the default stays`,
    });
    mmapBase = undefined;
  }
  const defaults = archAddressSpace(config.arch, page, taskSize);
  taskSize = defaults.taskSize;
  // The legacy layout's mm->mmap_base is TASK_UNMAPPED_BASE (facts 1.2), not the top-down base.
  const followingBase = (): bigint =>
    config.layout === 'legacy'
      ? legacyMmapBase({ arch: config.arch, taskSize: taskSize as bigint, pageSize: page })
      : defaults.mmapBase;
  const base = mmapBase ?? followingBase();
  if (base < taskSize) return { taskSize, mmapBase: base };
  // mmap_base at or above TASK_SIZE: no kernel sets it there (mm/util.c and arch/x86/mm/mmap.c
  // mmap_base keep at least 128 MiB below the stack top, TASK_UNMAPPED_BASE is a fraction of
  // TASK_SIZE), and every search ends beyond TASK_SIZE. Use the base the TASK_SIZE gives.
  const stackTop = arm64 ? arm64DefaultMapWindow(taskSize) : taskSize;
  const fallback = config.layout === 'legacy' ? followingBase() : topDownMmapBase(stackTop, page);
  const baseLine = sources.get('mmap-base');
  const sizeLine = sources.get('task-size');
  const what = `mmap_base ${formatHex(base)} is not below TASK_SIZE ${formatHex(taskSize)}`;
  const why = 'no kernel sets mm->mmap_base there, and every mmap without an address would fail with ENOMEM';
  if (mmapBase !== undefined) {
    problems.push({
      code: 'number-out-of-range',
      range: valueRange(baseLine),
      message: `${what}${sizeLine ? '' : ` (the ${arm64 ? 'arm64' : 'x86-64'} default; set \`task-size\` to the machine's)`}: ${why}; ${formatHex(fallback)}, the mmap_base that TASK_SIZE gives, is used`,
      ...(sizeLine ? { related: [{ range: sizeLine, message: 'TASK_SIZE set here' }] } : {}),
    });
  } else {
    problems.push({
      code: 'number-out-of-range',
      range: valueRange(sizeLine),
      message: `${what} (the default; set \`mmap-base\` below it): ${why}; ${formatHex(fallback)}, the mmap_base that TASK_SIZE gives, is used`,
    });
  }
  return { taskSize, mmapBase: fallback };
}

/** The value of a setting line, or the line. */
function valueRange(setting: SettingNode | undefined): TextRange {
  const at = setting?.args[0];
  if (at && at.kind !== 'string') return at;
  return setting ?? { start: 0, end: 0 };
}
