// glMapBufferRange under `strategy reserve-high`: FEX's libGL thunk, with no Wine between. The
// guest's libGL is FEX's generated guest thunk; the host side calls the host driver's
// glMapBufferRange and returns its pointer through to_guest (ThunkLibs/libGL/libGL_interface.cpp,
// a plain fex_gen_config entry; ThunkLibs/include/common/Host.h, guest_layout<T*>::operator=).
// The pointer is the driver's own mmap(NULL) result: below 4 GiB because FEX reserved everything
// above (strategies/reserve-high.ts); one above 4 GiB arrives truncated, as for Vulkan.
import { formatHex, truncate32 } from '../../numbers';
import type { Platform } from '../../sim/platform';
import type { Simulation } from '../../sim/simulation';
import { FEX_ACTOR } from '../layer-actors';
import {
  fexThunkHandOverText,
  fitsButOutsideWindow,
  outsideWindow,
  reserveHighTopText,
  sentence,
} from '../window-text';
import type { GlBuffer } from './buffer';
import type { GlContext, GlMapOutcome } from './context';

/** Whether GL calls reach the driver through FEX's thunk rather than Wine's wow64 GL. */
export function forwardedByFex(platform: Platform): boolean {
  return platform.strategy === 'reserve-high';
}

/** The driver's pointer `host` to `length` bytes, as FEX's thunk hands it to the guest. */
export function fexThunkMap(ctx: GlContext, buffer: GlBuffer, host: bigint, length: bigint): GlMapOutcome {
  const { sim } = ctx;
  const fits = host <= 0xffff_ffffn;
  sim.note(
    FEX_ACTOR,
    fits
      ? `libGL thunk returns the driver's pointer ${formatHex(host)} (to_guest)`
      : `libGL thunk returns the driver's pointer ${formatHex(host)} (to_guest keeps its low 32 bits: ${formatHex(truncate32(host))})`,
    '',
    fits,
  );
  const gets = outsideWindow(sim.platform, host, length);
  if (gets !== undefined)
    sim.finding(
      'pointer-outside-window',
      fits
        ? `${gets}. ${fitsButOutsideWindow(sim.platform, host, length)}${sentence(reserveHighTopText(sim.platform, host))}`
        : `${gets}. ${fexThunkHandOverText(truncate32(host))}, which points at ${describe(sim, truncate32(host))}`,
      [{ range: buffer.memory.node, message: `${buffer.name} created here` }],
      undefined,
      false,
      [host],
    );
  return { ok: true, pointer: host, hostPointer: host };
}

function describe(sim: Simulation, address: bigint): string {
  const vma = sim.space.vmaAt(sim.pageOf(address));
  return vma ? `${vma.label ?? 'a mapping'} of ${vma.owner}` : 'nothing mapped';
}
