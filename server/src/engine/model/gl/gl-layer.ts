// The OpenGL side of a scenario, as 32-bit code calls it through Wine's wow64 thunks
// (dlls/opengl32/unix_wgl.c): buffer objects, and for each glMapBufferRange the first route that
// works, in Wine's order — a Vulkan-backed persistent buffer placed low (wow64_map_buffer tests
// it first); the client pointer range (GL_MESA_map_buffer_client_pointer, proposed); the driver's
// pointer fits ("we're lucky"); the shadow copy, or on `platform macos` CrossOver's
// mach_vm_remap alias instead. Mirrors model/vulkan-layer.ts: run.ts hands it the GL steps.
//
// What selects the behaviour: the driver's `gl-client-pointer` trait (the extension) and its
// `placed-map` trait (Wine's Vulkan interop device needs memoryMapPlaced + memoryUnmapReserve).
//
// Under `strategy reserve-high` there is no Wine: an i386 Linux guest of FEX calls the host libGL
// through FEX's generated thunk (ThunkLibs/libGL/libGL_interface.cpp lists glMapBufferRange with
// no custom host code), which has no Vulkan interop, no placed map, no shadow copy and hides no
// extension. glMapBufferRange returns the host driver's own mmap(NULL) result, below 4 GiB
// because of FEX's reservation, handed over by to_guest (route `thunk`, fex-thunk.ts).
import { AppMapped, NO_MAPPED_RANGES } from '../app-mapped';
import type { Argument, Expression, StepNode } from '../../syntax/ast';
import { formatHex, formatSize } from '../../numbers';
import type { Outcome } from '../../sim/records';
import { addressOutcome, failedMapNote, noteMapAttempt } from '../../sim/outcome';
import type { Simulation } from '../../sim/simulation';
import type { DriverModel } from '../driver';
import { DriverOps } from '../driver-ops';
import { newMemory, type VkMemory } from '../vk-memory';
import { allocatingDriver } from '../allocating-driver';
import { fitsButOutsideWindow, outsideWindow, reserveHighTopText, sentence } from '../window-text';
import { machAliasMap } from '../strategies/mach-alias';
import { AppMapSteps, type StalePointerUse } from '../pointer-after-unmap';
import { uncovered, type GlBuffer, type GlMap, type GlRange } from './buffer';
import { ClientPointerRanges, clientPointerMap, clientPointerUnmap } from './client-pointer';
import { hasClientPointer, hasVulkanInterop, type GlContext, type GlMapOutcome } from './context';
import { copyFlush, copyMap, copyUnmap } from './shadow-copy';
import { createBufferStorage, vulkanBackedProperties, vulkanMap, vulkanUnmap } from './vulkan-backed';
import { mappedRangeViolations } from '../mapped-memory-range';
import { fexThunkMap, forwardedByFex } from './fex-thunk';
import { wineUnmapArea } from '../../sim/wine-fixed-area';
import { stashMap, stashUnmap } from './pointer-stash';
import {
  wineCopiesGlInUnixLib,
  wineGlUnmapSkipsUnmapped,
  wineHasGlVulkanBuffers,
  wineText,
} from '../../sim/wine-version';

/** A GL error, before it is raised: its enum, why, and where the buffer was made. */
interface GlError {
  readonly result: string;
  readonly message: string;
  readonly related?: { range: { start: number; end: number }; message: string }[];
}

function glErrorOf(
  result: string,
  message: string,
  related?: { range: { start: number; end: number }; message: string }[],
): GlError {
  return { result, message, ...(related ? { related } : {}) };
}

type EvaluateArg = (e: Expression, what: string, actor: string) => bigint | undefined;
type MemoryArg = (argument: Argument | undefined) => VkMemory | undefined;

/** glMapBuffer's access enum as the range bits Wine maps with (map_range_flags_from_map_flags). */
const LEGACY_ACCESS_BITS: Readonly<Record<string, readonly string[]>> = {
  'read-only': ['read'],
  'write-only': ['write'],
  'read-write': ['read', 'write'],
};

export class GlLayer {
  private readonly buffers = new Map<VkMemory, GlBuffer>();
  /** The buffers mapped for 32-bit code now, by where their mapping is (writes find theirs). */
  private readonly mapped = new AppMapped();
  /** The buffer each glMapBufferRange step mapped for 32-bit code (H5 checks). */
  readonly appMaps = new AppMapSteps('glMapBufferRange');
  private readonly byStep = new Map<number, VkMemory>();
  private readonly ops = new Map<string, DriverOps>();
  readonly clientRanges = new ClientPointerRanges();

  constructor(
    private readonly sim: Simulation,
    private readonly drivers: ReadonlyMap<string, DriverModel>,
  ) {}

  memoryCreatedAt(step: number): VkMemory | undefined {
    return this.byStep.get(step);
  }

  bufferOf(memory: VkMemory): GlBuffer | undefined {
    return this.buffers.get(memory);
  }

  get allBuffers(): readonly GlBuffer[] {
    return [...this.buffers.values()];
  }

  private context(driver: DriverModel): GlContext {
    let ops = this.ops.get(driver.name);
    // The GL driver is its own driver instance (radeonsi beside radv): its own pools and caches.
    if (!ops) this.ops.set(driver.name, (ops = new DriverOps(this.sim, driver)));
    return { sim: this.sim, ops };
  }

  private glError(
    result: string,
    message: string,
    related: { range: { start: number; end: number }; message: string }[] = [],
  ): Outcome {
    this.sim.finding('gl-error', `${result}: ${message}`, related);
    return { kind: 'vk', result, reason: message };
  }

  execute(
    step: StepNode,
    verb: string,
    actor: string,
    evaluateArg: EvaluateArg,
    memoryArg: MemoryArg,
  ): Outcome {
    const expr = (k: number, what: string): bigint | undefined => {
      const e = step.args[k];
      if (!e || e.kind === 'string') {
        this.sim.problems.push({
          code: 'missing-argument',
          range: step.verb,
          message: `${verb} needs ${what}`,
        });
        return undefined;
      }
      return evaluateArg(e, what, actor);
    };
    switch (verb) {
      case 'glBufferData':
      case 'glBufferStorage':
        return this.create(step, verb, actor, expr(0, 'a size'));
      case 'glFlush':
        this.sim.note(actor, 'glFlush()', '', true);
        this.clientRanges.flushed = true;
        return { kind: 'ok' };
      case 'glAddClientPointerRangeMESA':
        return this.addClientRange(actor, expr(0, 'an address'), expr(1, 'a size'));
      case 'glReleaseClientPointerRangeMESA':
        return this.releaseClientRanges(actor);
    }
    const memory = memoryArg(step.args[0]);
    const buffer = memory ? this.buffers.get(memory) : undefined;
    if (!buffer) {
      if (memory)
        this.sim.problems.push({
          code: 'wrong-kind',
          range: step.args[0] ?? step.verb,
          message: `\`${memory.name}\` is Vulkan memory, not a GL buffer from glBufferData / glBufferStorage`,
        });
      else if (!step.args[0])
        this.sim.problems.push({
          code: 'missing-argument',
          range: step.verb,
          message: `${verb} needs a buffer`,
        });
      return { kind: 'skipped', reason: 'no buffer' };
    }
    const ctx = this.context(buffer.memory.driver);
    switch (verb) {
      case 'glMapBufferRange': {
        const offset = expr(1, 'an offset');
        const length = expr(2, 'a length');
        if (offset === undefined || length === undefined)
          return { kind: 'skipped', reason: 'missing arguments' };
        const access = new Set(step.words.map((w) => w.name));
        const call = `glMapBufferRange(${buffer.name}, ${formatHex(offset)}, ${formatSize(length)}, ${[...access].join('|') || '0'})`;
        return noteMapAttempt(
          buffer,
          this.map(ctx, buffer, offset, length, access, call),
          this.sim.stepIndex,
        );
      }
      case 'glMapBuffer': {
        // The whole buffer, with the access enum turned into range bits
        // (map_range_flags_from_map_flags in unix_wgl.c; OpenGL 4.6 §6.3.1).
        const word = step.words[0]?.name;
        const bits = word === undefined ? undefined : LEGACY_ACCESS_BITS[word];
        if (!bits) {
          this.sim.problems.push({
            code: 'missing-argument',
            range: step.verb,
            message: 'glMapBuffer needs an access: `read-only`, `write-only` or `read-write`',
          });
          return { kind: 'skipped', reason: 'no access' };
        }
        const call = `glMapBuffer(${buffer.name}, GL_${word!.toUpperCase().replace('-', '_')})`;
        return noteMapAttempt(
          buffer,
          this.map(ctx, buffer, 0n, buffer.memory.allocationSize, new Set(bits), call, true),
          this.sim.stepIndex,
        );
      }
      case 'glUnmapBuffer':
        return this.unmap(ctx, buffer);
      case 'glFlushMappedBufferRange': {
        const offset = expr(1, 'an offset');
        const length = expr(2, 'a length');
        if (offset === undefined || length === undefined)
          return { kind: 'skipped', reason: 'missing arguments' };
        return this.flushRange(ctx, buffer, offset, length);
      }
    }
    return { kind: 'skipped', reason: `${verb} is not modelled` };
  }

  // ---- buffers ----

  private create(step: StepNode, verb: string, actor: string, size: bigint | undefined): Outcome {
    if (size === undefined) return { kind: 'skipped', reason: 'no size' };
    if (size === 0n && verb === 'glBufferStorage')
      return this.glError('GL_INVALID_VALUE', 'glBufferStorage size must be greater than 0');
    const flags = new Set(step.words.map((w) => w.name));
    if (verb === 'glBufferStorage') {
      // OpenGL 4.6 §6.2, BufferStorage errors.
      if (flags.has('persistent') && !flags.has('map-read') && !flags.has('map-write'))
        return this.glError(
          'GL_INVALID_VALUE',
          '`persistent` needs `map-read` or `map-write` (MAP_PERSISTENT_BIT without MAP_READ_BIT or MAP_WRITE_BIT)',
        );
      if (flags.has('coherent') && !flags.has('persistent'))
        return this.glError(
          'GL_INVALID_VALUE',
          '`coherent` needs `persistent` (MAP_COHERENT_BIT without MAP_PERSISTENT_BIT)',
        );
    }
    const driver = allocatingDriver(this.sim, this.drivers, step, false);
    if (!driver) return { kind: 'skipped', reason: 'no driver' };
    const storage = verb === 'glBufferStorage' ? 'immutable' : 'mutable';
    const name = step.binding?.name ?? `buffer@${this.sim.stepIndex + 1}`;
    const newBuffer = (vulkanBacked: boolean): GlBuffer => ({
      name,
      memory: newMemory({
        name,
        node: step,
        driver,
        allocationSize: size,
        properties: vulkanBacked ? vulkanBackedProperties(flags) : glBufferProperties(flags),
        step: this.sim.stepIndex,
        history: `GL buffer of ${formatSize(size)} by ${driver.name}`,
      }),
      storage,
      flags,
      vulkanBacked,
      map: undefined,
      shadow: undefined,
      mapFailedStep: undefined,
    });
    this.sim.note(
      actor,
      `${verb}(${formatSize(size)}${flags.size ? ', ' + [...flags].join('|') : ''})`,
      '',
      true,
    );
    const ctx = this.context(driver);
    // FEX forwards glBufferStorage to the host driver as it is (no wow64 layer to hide it).
    const persistentStorage =
      storage === 'immutable' && flags.has('persistent') && !forwardedByFex(this.sim.platform);
    const wine = this.sim.platform.wine;
    if (persistentStorage && hasVulkanInterop(driver, wine)) {
      const buffer = newBuffer(true);
      if (createBufferStorage(ctx, buffer) === undefined) return this.created(buffer);
      // create_buffer_storage returns NULL, and wow64_glBufferStorage calls the host's
      // glBufferStorage: the buffer is an ordinary one of the GL driver's, and its maps take the
      // other routes (unix_wgl.c; facts vulkan-wine §3.6).
      this.sim.note('wine', `${verb} on the host GL driver, as create_buffer_storage failed`, '', true);
    } else if (persistentStorage && !wineHasGlVulkanBuffers(wine))
      // filter_extensions_list before 10.18: the extension is hidden on every WOW64 context, but
      // the GL version is not capped, so a 4.4 context's glBufferStorage reaches the host driver.
      this.sim.note(
        'wine',
        `${wineText(wine, this.sim.platform.wineSource)} has no Vulkan-backed GL buffers (they came in Wine 10.18): GL_ARB_buffer_storage hidden on wow64 ("We do not support GL_MAP_PERSISTENT_BIT"), and ${verb} goes to the host GL driver`,
        '',
        false,
      );
    else if (persistentStorage)
      this.sim.note(
        'wine',
        `no Vulkan interop device for ${driver.name} (needs placed maps with unmap reserve): GL capped at 4.3, GL_ARB_buffer_storage hidden on wow64`,
        '',
        false,
      );
    const buffer = newBuffer(false);
    const failed = ctx.ops.allocate(buffer.memory);
    // The GL driver could not make the data store: GL_OUT_OF_MEMORY, and the buffer has none (Mesa
    // sets its size to 0), so no map of it succeeds: later uses of the name are uses of a failed
    // result, as for a failed vkAllocateMemory.
    if (failed !== undefined) return { kind: 'vk', result: 'GL_OUT_OF_MEMORY', reason: failed.reason };
    return this.created(buffer);
  }

  private created(buffer: GlBuffer): Outcome {
    this.buffers.set(buffer.memory, buffer);
    this.byStep.set(this.sim.stepIndex, buffer.memory);
    return { kind: 'ok' };
  }

  // ---- map ----

  /** `call`: the application's call as the trace shows it. */
  private map(
    ctx: GlContext,
    buffer: GlBuffer,
    offset: bigint,
    length: bigint,
    access: ReadonlySet<string>,
    call: string,
    legacyMap = false,
  ): Outcome {
    const invalid = this.mapError(buffer, offset, length, access);
    if (buffer.vulkanBacked) {
      // wow64_glMapBufferRange calls the host GL only `if (!buffer || !buffer->vk_memory)`: the
      // vk_memory branch of wow64_map_buffer checks only that the buffer is not mapped yet, and
      // returns vm_ptr + offset whatever the access bits, range or storage flags (unix_wgl.c
      // @00d50d23). The GL errors are the host GL's, which this route never calls.
      if (buffer.map)
        return this.glError(
          'GL_INVALID_OPERATION',
          `${buffer.name} is already mapped (since step ${buffer.map.step + 1}): Wine's Vulkan-backed route checks buffer->map_ptr`,
        );
    } else if (invalid) return this.glError(invalid.result, invalid.message, invalid.related);
    const driver = buffer.memory.driver;
    this.sim.note('app', call, '', true);
    if (invalid)
      this.sim.note(
        'wine',
        `no GL error for ${buffer.name}: Wine maps its Vulkan memory without calling the host GL, which would raise ${invalid.result} (${invalid.message})`,
        '',
        true,
      );
    let route: GlMap['route'];
    let result: GlMapOutcome;
    const clientPointer =
      hasClientPointer(driver) && (access.has('client-pointer') || this.clientRanges.ranges.length > 0);
    if (buffer.vulkanBacked) {
      route = 'vulkan';
      result = vulkanMap(ctx, buffer, offset);
    } else if (clientPointer) {
      route = 'client-pointer';
      result = clientPointerMap(ctx, this.clientRanges, buffer, offset, length);
    } else if (forwardedByFex(this.sim.platform)) {
      const own = ctx.ops.mapOwnPointer(buffer.memory);
      if (!own.ok)
        return { kind: 'vk', result: 'NULL', reason: `the driver's mmap failed with ${own.errno}` };
      route = 'thunk';
      result = fexThunkMap(ctx, buffer, own.value + offset, length);
    } else {
      const own = ctx.ops.mapOwnPointer(buffer.memory);
      if (!own.ok)
        return { kind: 'vk', result: 'NULL', reason: `the driver's mmap failed with ${own.errno}` };
      const host = own.value + offset;
      // Wine's test is the pointer's own bits (`ULongToPtr(PtrToUlong(ptr)) == ptr`, §3.6), not
      // the window: a pointer between the window's end and 4 GiB is handed over as it is.
      if (host <= 0xffff_ffffn) {
        route = 'lucky';
        this.sim.note(
          'wine',
          `the driver's pointer ${formatHex(host)} fits in 32 bits ("we're lucky")`,
          '',
          true,
        );
        const gets = outsideWindow(this.sim.platform, host, length);
        if (gets !== undefined)
          this.sim.finding(
            'pointer-outside-window',
            `${gets}. ${fitsButOutsideWindow(this.sim.platform, host, length)}${sentence(reserveHighTopText(this.sim.platform, host))}`,
            [{ range: buffer.memory.node, message: `${buffer.name} created here` }],
            undefined,
            false,
            [host],
          );
        result = { ok: true, pointer: host, hostPointer: host };
      } else if (this.sim.platform.os === 'macos') {
        route = 'mach-alias';
        result = this.machAlias(ctx, buffer, host, length);
      } else {
        route = 'copy';
        result = wineCopiesGlInUnixLib(this.sim.platform.wine)
          ? copyMap(ctx, buffer, host, offset, length, access)
          : stashMap(ctx, buffer, host, length, access, legacyMap);
      }
    }
    if (!result.ok)
      return result.dangling === undefined
        ? { kind: 'vk', result: result.result, reason: result.reason }
        : addressOutcome(result.dangling, this.sim.stepIndex);
    buffer.map = {
      route,
      pointer: result.pointer,
      hostPointer: result.hostPointer,
      offset,
      length,
      access,
      step: this.sim.stepIndex,
      writes: [],
      flushed: [],
      ...(result.slot ? { slot: result.slot } : {}),
    };
    const memory = buffer.memory;
    memory.appPointer = result.pointer;
    memory.mapStep = this.sim.stepIndex;
    this.appMaps.note(this.sim.stepIndex, memory, call.slice(0, call.indexOf('(')));
    memory.mapOffset = offset;
    memory.mapSize = length;
    this.mapped.add(memory);
    memory.history.push({
      step: this.sim.stepIndex,
      text: `mapped for 32-bit code at ${formatHex(result.pointer)} (${route})`,
    });
    return addressOutcome(result.pointer, this.sim.stepIndex);
  }

  /**
   * The GL error the host GL raises for this glMapBufferRange (OpenGL 4.6 §6.3, and the
   * extension's new bit), or undefined.
   */
  private mapError(
    buffer: GlBuffer,
    offset: bigint,
    length: bigint,
    access: ReadonlySet<string>,
  ): GlError | undefined {
    const created = [{ range: buffer.memory.node, message: `${buffer.name} created here` }];
    if (offset + length > buffer.memory.allocationSize)
      return glErrorOf(
        'GL_INVALID_VALUE',
        `the range ${formatHex(offset)} + ${formatSize(length)} runs past the ${formatSize(buffer.memory.allocationSize)} buffer`,
        created,
      );
    // OpenGL 4.5 moved a zero length from INVALID_VALUE to INVALID_OPERATION (Mesa's
    // validate_map_buffer_range: "length = 0").
    if (length === 0n) return glErrorOf('GL_INVALID_OPERATION', 'the length is zero');
    if (buffer.map)
      return glErrorOf(
        'GL_INVALID_OPERATION',
        `${buffer.name} is already mapped (since step ${buffer.map.step + 1})`,
      );
    if (!access.has('read') && !access.has('write'))
      return glErrorOf('GL_INVALID_OPERATION', 'neither GL_MAP_READ_BIT nor GL_MAP_WRITE_BIT is set');
    if (
      access.has('read') &&
      (access.has('invalidate-range') || access.has('invalidate-buffer') || access.has('unsynchronized'))
    )
      return glErrorOf('GL_INVALID_OPERATION', 'GL_MAP_READ_BIT with an INVALIDATE or UNSYNCHRONIZED bit');
    if (access.has('flush-explicit') && !access.has('write'))
      return glErrorOf('GL_INVALID_OPERATION', 'GL_MAP_FLUSH_EXPLICIT_BIT without GL_MAP_WRITE_BIT');
    if (buffer.storage === 'immutable') {
      for (const [bit, flag] of [
        ['read', 'map-read'],
        ['write', 'map-write'],
        ['persistent', 'persistent'],
        ['coherent', 'coherent'],
      ] as const) {
        if (access.has(bit) && !buffer.flags.has(flag))
          return glErrorOf(
            'GL_INVALID_OPERATION',
            `the map asks for \`${bit}\` but ${buffer.name}'s storage flags lack \`${flag}\``,
            created,
          );
      }
    } else if (access.has('persistent') || access.has('coherent'))
      return glErrorOf(
        'GL_INVALID_OPERATION',
        `${buffer.name} has mutable storage (glBufferData): persistent and coherent maps need glBufferStorage with those flags`,
        created,
      );
    if (access.has('client-pointer') && !hasClientPointer(buffer.memory.driver))
      return glErrorOf(
        'GL_INVALID_VALUE',
        `${buffer.memory.driver.name} does not expose GL_MESA_map_buffer_client_pointer: MAP_CLIENT_POINTER_BIT_MESA is an unknown bit`,
      );
    return undefined;
  }

  // ---- unmap and flush ----

  private unmap(ctx: GlContext, buffer: GlBuffer): Outcome {
    const map = buffer.map;
    if (!map) {
      const platform = this.sim.platform;
      if (platform.os !== 'macos' && !forwardedByFex(platform) && wineGlUnmapSkipsUnmapped(platform.wine)) {
        const why = `${notMappedText(buffer)}: ${wineText(platform.wine, platform.wineSource)}'s wow64_gl_unmap_buffer finds no buffer pointer and returns before the host glUnmapBuffer, so no GL error is raised`;
        this.sim.note('app', `glUnmapBuffer(${buffer.name})`, `= GL_FALSE (${why})`, false);
        return { kind: 'vk', result: 'GL_FALSE', reason: why };
      }
      return this.glError('GL_INVALID_OPERATION', notMappedText(buffer));
    }
    this.sim.note('app', `glUnmapBuffer(${buffer.name})`, '= GL_TRUE', true);
    buffer.mapFailedStep = undefined;
    this.checkLostWrites(buffer, map);
    switch (map.route) {
      case 'copy':
        if (wineCopiesGlInUnixLib(this.sim.platform.wine)) copyUnmap(ctx, buffer, map);
        else stashUnmap(ctx, buffer, map);
        ctx.ops.unmapOwnPointer(buffer.memory);
        break;
      case 'vulkan':
        vulkanUnmap(ctx, buffer);
        break;
      case 'client-pointer':
        if (map.slot) clientPointerUnmap(ctx, this.clientRanges, map.slot);
        break;
      case 'lucky':
      case 'thunk':
        ctx.ops.unmapOwnPointer(buffer.memory);
        break;
      case 'mach-alias':
        this.releaseAliasLazily(buffer);
        ctx.ops.unmapOwnPointer(buffer.memory);
        break;
    }
    buffer.map = undefined;
    const memory = buffer.memory;
    this.mapped.remove(memory);
    memory.appPointer = undefined;
    memory.mapStep = undefined;
    memory.history.push({ step: this.sim.stepIndex, text: 'unmapped' });
    return { kind: 'ok' };
  }

  /** `gl-write-lost`: writes into a map without WRITE (the copy back drops them), or that no flush covered under FLUSH_EXPLICIT. */
  private checkLostWrites(buffer: GlBuffer, map: GlMap): void {
    if (map.writes.length === 0) return;
    let lost: GlRange[] = [];
    let fate = '';
    if (!map.access.has('write')) {
      lost = map.writes;
      // OpenGL 4.6 §6.3 (MAP_WRITE_BIT): modifying the buffer through a map without it is
      // undefined on every route; only the copy path says where the bytes certainly end up.
      fate =
        map.route === 'copy'
          ? `never reach the buffer: it was mapped without GL_MAP_WRITE_BIT, so Wine's copy path does not copy the shadow back at unmap (copy_length is 0): the writes stay in the shadow at ${formatHex(map.pointer)}`
          : 'are undefined: it was mapped without GL_MAP_WRITE_BIT, and modifying the buffer through such a map has an undefined result (OpenGL 4.6 §6.3); this route happens to put them in the buffer, a driver need not';
    } else if (map.access.has('flush-explicit') && map.route === 'copy') {
      // Wine passes the flush to the host map while the bytes are still in the shadow, and copies
      // them in only at unmap (vulkan-wine §3.6): to the driver, every byte is modified after the
      // last flush of its range, so none is flushed (OpenGL 4.6 §6.3.1).
      lost = map.writes;
      fate =
        "are undefined after glUnmapBuffer: it was mapped with GL_MAP_FLUSH_EXPLICIT_BIT, and on Wine's copy path no glFlushMappedBufferRange covers them: Wine flushes the host map while the bytes are still in its shadow and copies them in only at glUnmapBuffer (facts vulkan-wine §3.6), after the last flush, so to the driver they are unflushed modifications (OpenGL 4.6 §6.3.1) and it may drop them";
    } else if (map.access.has('flush-explicit')) {
      lost = uncovered(map.writes, map.flushed);
      // Whether they land is up to the driver and the route: the application may not count on it.
      fate =
        'are undefined after glUnmapBuffer: it was mapped with GL_MAP_FLUSH_EXPLICIT_BIT and no glFlushMappedBufferRange covered them (OpenGL 4.6 §6.3.1); a driver may drop them even where this route happens to keep them';
    }
    if (lost.length === 0) return;
    const first = lost[0]!;
    const bytes = lost.reduce((sum, r) => sum + (r.end - r.start), 0n);
    this.sim.finding(
      'gl-write-lost',
      `${formatSize(bytes)} written by 32-bit code into ${buffer.name} (first at map + ${formatHex(first.start)}) ${fate}`,
      [
        { range: this.sim.stepRange(map.step) ?? buffer.memory.node, message: 'mapped here' },
        ...lost
          .slice(0, 3)
          .map((r) => ({ range: this.sim.stepRange(r.step) ?? buffer.memory.node, message: 'written here' })),
      ],
      undefined,
      false,
      // The first lost write through 32-bit code's pointer, and where it should have landed.
      [map.pointer + first.start, ...(map.hostPointer !== undefined ? [map.hostPointer + first.start] : [])],
    );
  }

  private flushRange(ctx: GlContext, buffer: GlBuffer, offset: bigint, length: bigint): Outcome {
    const map = buffer.map;
    // wow64_glFlushMappedBufferRange: a Vulkan-backed buffer gets flush_buffer
    // (vkFlushMappedMemoryRanges) and never the host GL, so none of its errors; the Vulkan rules
    // check the range Wine passes (vulkanFlush).
    if (buffer.vulkanBacked) return this.vulkanBackedFlush(buffer, map, offset, length);
    if (!map) return this.glError('GL_INVALID_OPERATION', notMappedText(buffer));
    if (!map.access.has('flush-explicit'))
      return this.glError(
        'GL_INVALID_OPERATION',
        `${buffer.name} was not mapped with GL_MAP_FLUSH_EXPLICIT_BIT`,
      );
    if (offset + length > map.length)
      return this.glError(
        'GL_INVALID_VALUE',
        `the range ${formatHex(offset)} + ${formatSize(length)} runs past the ${formatSize(map.length)} mapped`,
      );
    this.sim.note(
      'app',
      `glFlushMappedBufferRange(${buffer.name}, ${formatHex(offset)}, ${formatSize(length)})`,
      '',
      true,
    );
    map.flushed.push({ start: offset, end: offset + length, step: this.sim.stepIndex });
    if (map.route === 'copy') copyFlush(ctx, map, offset, length);
    return { kind: 'ok' };
  }

  private vulkanBackedFlush(
    buffer: GlBuffer,
    map: GlMap | undefined,
    offset: bigint,
    length: bigint,
  ): Outcome {
    this.sim.note(
      'app',
      `glFlushMappedBufferRange(${buffer.name}, ${formatHex(offset)}, ${formatSize(length)})`,
      '',
      true,
    );
    if (map) map.flushed.push({ start: offset, end: offset + length, step: this.sim.stepIndex });
    // flush_buffer's offset is map_ptr - host_ptr + offset: both are NULL while unmapped.
    this.vulkanFlush(buffer, (map?.offset ?? 0n) + offset, length);
    return { kind: 'ok' };
  }

  /**
   * flush_buffer() on the Vulkan-backed route: vkFlushMappedMemoryRanges of the application's
   * range as it is, in memory offsets (Wine maps the whole memory: offset = map offset + flush
   * offset, size = length; vulkan-wine §3.6), checked like a direct call. A range GL allowed but
   * that is not atom-aligned is Wine's breach, harmless on its coherent memory:
   * rules/wine-flush-range-unaligned.ts.
   */
  private vulkanFlush(buffer: GlBuffer, offset: bigint, length: bigint): void {
    // Wine's Vulkan map is the whole memory (vkMapMemory2KHR with VK_WHOLE_SIZE), whatever range
    // the GL map named: the range is checked against that.
    const memory = buffer.memory;
    const violations = mappedRangeViolations(
      { ...memory, mapOffset: 0n, mapSize: memory.allocationSize },
      offset,
      length,
    );
    for (const { vuid, message } of violations) {
      const unaligned = vuid.endsWith('-00687') || vuid.endsWith('-01390');
      this.sim.finding(
        unaligned ? 'wine-flush-range-unaligned' : 'vulkan-valid-usage',
        `${vuid}: Wine's vkFlushMappedMemoryRanges for this glFlushMappedBufferRange (flush_buffer) breaks it: ${message}${unaligned ? '. GL allows any byte range, and Wine passes it on unrounded; the memory is HOST_COHERENT, so the flush has nothing to do and no data is at risk' : ''}`,
      );
    }
    this.sim.note(
      'wine',
      `vkFlushMappedMemoryRanges(${buffer.name}, offset=${formatHex(offset)}, size=${formatHex(length)})`,
      '',
      violations.length === 0,
    );
  }

  // ---- client pointer ranges ----

  private addClientRange(actor: string, address: bigint | undefined, size: bigint | undefined): Outcome {
    if (address === undefined || size === undefined) return { kind: 'skipped', reason: 'missing arguments' };
    const driver = [...this.drivers.values()].find(hasClientPointer);
    if (!driver)
      return this.glError(
        'GL_INVALID_OPERATION',
        'no driver exposes GL_MESA_map_buffer_client_pointer (driver trait `gl-client-pointer`): the entry point is missing',
      );
    const page = this.sim.pageSize;
    if (address % page !== 0n || size % page !== 0n || size === 0n)
      return this.glError(
        'GL_INVALID_VALUE',
        `the client pointer range ${formatHex(address)} + ${formatSize(size)} must be page aligned and not empty`,
      );
    for (let a = address; a < address + size;) {
      const vma = this.sim.space.vmaAt(this.sim.pageOf(a));
      if (!vma || (vma.prot & 3) !== 3)
        return this.glError(
          'GL_INVALID_VALUE',
          `${formatHex(a)} is not mapped read-write: a client pointer range must be mapped read-write memory of the process`,
        );
      a = this.sim.addressOfPage(vma.endPage);
    }
    this.sim.note(actor, `glAddClientPointerRangeMESA(${formatHex(address)}, ${formatSize(size)})`, '', true);
    this.clientRanges.add(address, size, this.sim.stepIndex);
    this.sim.space.relabel(address, size, `client pointer range (${driver.name})`);
    return { kind: 'ok' };
  }

  private releaseClientRanges(actor: string): Outcome {
    const mapped = this.allBuffers.filter((b) => b.map?.route === 'client-pointer');
    if (mapped.length > 0)
      return this.busy(
        `${mapped.map((b) => b.name).join(', ')} ${mapped.length === 1 ? 'is' : 'are'} still mapped in the client pointer range`,
        mapped,
      );
    if (!this.clientRanges.flushed)
      return this.busy(
        'glFlush was not called since the last buffer in the range was unmapped: the driver may still use the pages',
        [],
      );
    this.sim.note(
      actor,
      'glReleaseClientPointerRangeMESA(&size)',
      `→ ${formatSize(this.clientRanges.ranges.reduce((s, r) => s + r.size, 0n))}`,
      true,
    );
    this.clientRanges.ranges.length = 0;
    return { kind: 'ok' };
  }

  private busy(why: string, mapped: GlBuffer[]): Outcome {
    this.sim.finding(
      'gl-client-range-busy',
      `glReleaseClientPointerRangeMESA fails with GL_INVALID_OPERATION: ${why}. The extension allows the release only after every buffer in the range is unmapped and glFlush has been called`,
      mapped.map((b) => ({
        range: this.sim.stepRange(b.map?.step ?? 0) ?? b.memory.node,
        message: `${b.name} mapped here`,
      })),
    );
    return { kind: 'vk', result: 'GL_INVALID_OPERATION', reason: why };
  }

  // ---- CrossOver on macOS ----

  /** The alias of the last mach-alias map unmapped: CrossOver frees it only at the next unmap. */
  private pendingAlias: { start: bigint; size: bigint } | undefined;

  /** remap_memory: a low reservation, then a mach_vm_remap alias of the pages holding the map. */
  private machAlias(ctx: GlContext, buffer: GlBuffer, host: bigint, length: bigint): GlMapOutcome {
    const memories = [...this.buffers.keys()];
    const result = machAliasMap(
      { sim: this.sim, ops: ctx.ops, memories, appMapped: NO_MAPPED_RANGES },
      buffer.memory,
      host,
      length,
    );
    if (!result.ok) {
      // As on the copy path: the host map is undone and glMapBufferRange returns NULL.
      this.sim.note('wine', `glUnmapBuffer(${buffer.name})`, '', true);
      ctx.ops.unmapOwnPointer(buffer.memory);
      return { ok: false, result: 'GL_OUT_OF_MEMORY', reason: result.reason };
    }
    return { ok: true, pointer: result.pointer, hostPointer: host };
  }

  /**
   * free_mapped_buffer: the alias stays mapped after glUnmapBuffer (pending_mapped) and the one
   * left by the previous unmap is released now.
   */
  private releaseAliasLazily(buffer: GlBuffer): void {
    const pending = this.pendingAlias;
    if (pending) wineUnmapArea(this.sim, pending.start, pending.size);
    this.pendingAlias = buffer.memory.windowRange;
    buffer.memory.windowRange = undefined;
  }

  // ---- accesses ----

  /** An access through the pointer a glMapBufferRange gave, after glUnmapBuffer (H5). */
  checkPointerAfterUnmap(use: StalePointerUse): void {
    const ended = this.appMaps.ended(use);
    if (!ended) return;
    const mappedNow: VkMemory[] = [];
    for (const [memory, buffer] of this.buffers) if (buffer.map) mappedNow.push(memory);
    this.appMaps.report(this.sim, ended, use, mappedNow);
  }

  /** 32-bit code writing into a mapped buffer: remembered for `gl-write-lost`. */
  noteAccess(actor: string, address: bigint, length: bigint, kind: 'read' | 'write'): void {
    if (kind !== 'write' || actor !== 'app') return;
    // Only the mapped buffers near the write: a walk over every buffer made each write cost as
    // many steps as the scenario had made buffers.
    const near = this.mapped.overlapping(address, address + length);
    for (let i = 0; i < near.length; i++) {
      const map = this.buffers.get(near[i]!)?.map;
      if (!map) continue;
      const start = address > map.pointer ? address : map.pointer;
      const end = address + length < map.pointer + map.length ? address + length : map.pointer + map.length;
      if (start < end)
        map.writes.push({ start: start - map.pointer, end: end - map.pointer, step: this.sim.stepIndex });
    }
  }
}

function notMappedText(buffer: GlBuffer): string {
  return `${buffer.name} is not mapped${failedMapNote(buffer.mapFailedStep)}`;
}

/** The GL driver's own buffer: host visible, coherent and persistent as the flags ask. */
function glBufferProperties(flags: ReadonlySet<string>): Set<string> {
  return new Set([
    'host-visible',
    ...(flags.has('coherent') ? ['coherent'] : []),
    ...(flags.has('persistent') ? ['persistent'] : []),
  ]);
}
