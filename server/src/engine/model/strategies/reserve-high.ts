// FEX's approach for i386 Linux guests (FEXInterpreter): reserve every address above 4 GiB so
// that each mmap(NULL) — the thunked host driver's too — lands below it. Every driver-internal
// mapping then competes for the 32-bit space (H9). FEX makes the reservation, not Wine
// (FEX::Allocator::InitMemoryRegions, then SetupHooks → OSAllocator_64Bit() → StealMemoryRegion;
// FEXInterpreter.cpp 00b47772, FEXCore/Source/Utils/Allocator/64BitAllocator.cpp), so it is the
// `fex` actor's (model/layer-actors.ts). FEX maps each gap separately (PROT_NONE, MAP_NORESERVE,
// MAP_FIXED_NOREPLACE) and keeps its own allocations inside; drvmap shows one mapping. FEX as
// Wine's WOW64 CPU back end reserves nothing (Source/Windows/Common/Allocator.cpp SetupHooks only
// installs naming and THP hooks): that process is modelled by the other strategies.
import {
  MAP_ANONYMOUS,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_NONE,
} from '../../kernel/types';
import { alignDown, GiB } from '../../numbers';
import { FEX_ACTOR } from '../layer-actors';
import { passThrough, type Strategy } from './strategy';

export const reserveHigh: Strategy = {
  ...passThrough,
  name: 'reserve-high',
  start(sim) {
    const from = 4n * GiB;
    // Everything above 4 GiB, up to TASK_SIZE (FEX "reserves up all memory above 4GB"). With the
    // top-down layout the search then falls below 4 GiB; with `layout legacy` it runs bottom-up
    // from mmap_base = TASK_UNMAPPED_BASE and never looks lower, so mmap(NULL) fails with ENOMEM.
    // The last whole page below TASK_SIZE: a length that rounds up past it is ENOMEM (the
    // reservation would be lost). The settings keep TASK_SIZE a page multiple
    // (sim/address-space-settings.ts); the alignment is kept for a config built elsewhere.
    const to = alignDown(sim.platform.kernel.taskSize, sim.pageSize);
    if (to > from) {
      sim.mmap(
        FEX_ACTOR,
        {
          addr: from,
          length: to - from,
          prot: PROT_NONE,
          flags: MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
          fd: -1,
          offset: 0n,
        },
        'reserved above 4 GiB',
      );
    }
  },
};
