// The layer's own actor where a strategy models a layer that is not Wine. Under `reserve-high`
// the process is FEXInterpreter running an i386 Linux guest: FEX, not Wine, reserves everything
// above 4 GiB (FEX::Allocator::InitMemoryRegions steals [4 GiB, 8 GiB), then InitAllocator's
// FEXCore::Allocator::SetupHooks → Create64BitAllocator → OSAllocator_64Bit() steals the rest
// with StealMemoryRegion; FEXInterpreter.cpp 00b47772, 64BitAllocator.cpp), and FEX's
// library-forwarding thunks hand the host drivers' pointers to the guest. So `fex` is an actor
// there without an `actor fex` line. Elsewhere `fex` is an ordinary name (`actor fex` declares it),
// which is why it is not one of the built-in actors, whose names are reserved words. Under
// `mmap32` the process is box64 running x86-64 Wine (`box64 wine64 …`): box64 reserves its Wine
// ranges at start-up (model/box64-prereserve.ts) and moves the driver's mmap(NULL)s, so `box64`
// is an actor there the same way.
import type { StrategyName } from '../sim/platform';

export const FEX_ACTOR = 'fex';
export const BOX64_ACTOR = 'box64';

export interface LayerActor {
  readonly name: string;
  readonly doc: string;
}

const FEX: LayerActor = {
  name: FEX_ACTOR,
  doc: "FEX, running this i386 Linux guest (`strategy reserve-high`): it reserves everything above 4 GiB before the thunked host libraries load (InitMemoryRegions, OSAllocator_64Bit), and its 32-bit thunks hand the host drivers' pointers over. An actor here without an `actor fex` line.",
};

const BOX64: LayerActor = {
  name: BOX64_ACTOR,
  doc: "box64, running x86-64 Wine as a Linux program (`strategy mmap32`): at start-up it reserves 0x1_0000..0x1_8000, 0x11_0000..0x3011_0000 and 0x7f00_0000..0x8200_0000 for Wine (wine_prereserve, src/tools/wine_tools.c), PROT_NONE mappings the kernel sees (the x86-64 MAP_32BIT range then ends at 0x7f00_0000), which its own block search skips and Wine maps over as its reserved areas, and its `mmap` symbol moves the driver's mmap(NULL)s low (BOX64_MMAP32). An actor here without an `actor box64` line.",
};

/** The actors a strategy's layer brings besides the built-in ones. */
export function layerActors(strategy: StrategyName): readonly LayerActor[] {
  if (strategy === 'reserve-high') return [FEX];
  return strategy === 'mmap32' ? [BOX64] : [];
}

/** The layer actor named `name` under `strategy`, if there is one. */
export function layerActor(strategy: StrategyName, name: string): LayerActor | undefined {
  return layerActors(strategy).find((a) => a.name === name);
}
