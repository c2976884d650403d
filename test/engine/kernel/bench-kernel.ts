// Micro-benchmark for the kernel model (not a test): 100k mixed raw syscalls with a few thousand
// live VMAs, one markStep per step, plus vmasAt lookups. Run:
//   npx esbuild test/engine/kernel/bench-kernel.ts --bundle --platform=node --outfile=/tmp/bench-kernel.js && node /tmp/bench-kernel.js
import {
  AddressSpace,
  defaultKernelConfig,
  MREMAP_MAYMOVE,
  PROT_READ,
  PROT_WRITE,
  MAP_PRIVATE,
  MAP_ANONYMOUS,
  MAP_SHARED,
} from '../../../server/src/engine/kernel/index';

const PG = 4096n;

function run(steps: number, seed: number): { ms: number; live: number; failures: number } {
  let x = seed;
  const rnd = (n: number): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x % n;
  };
  const as = new AddressSpace(defaultKernelConfig());
  const live: bigint[] = [];
  const sizes: bigint[] = [];
  let failures = 0;
  const t0 = performance.now();
  for (let step = 0; step < steps; step++) {
    const origin = { step, actor: step % 3 === 0 ? 'driver' : 'app' };
    const op = rnd(100);
    if ((op < 35 && live.length < 3000) || live.length < 50) {
      const pages = BigInt(1 + rnd(16));
      const flags = rnd(10) === 0 ? MAP_SHARED | MAP_ANONYMOUS : MAP_PRIVATE | MAP_ANONYMOUS;
      const r = as.mmap(
        {
          addr: 0n,
          length: pages * PG,
          prot: PROT_READ | (rnd(2) ? PROT_WRITE : 0),
          flags,
          fd: -1,
          offset: 0n,
        },
        origin,
      );
      if (r.ok) {
        live.push(r.value);
        sizes.push(pages * PG);
      } else failures++;
    } else if (op < 60) {
      const k = rnd(live.length);
      const r = as.munmap(live[k] as bigint, sizes[k] as bigint, origin);
      if (!r.ok) failures++;
      live[k] = live[live.length - 1] as bigint;
      sizes[k] = sizes[sizes.length - 1] as bigint;
      live.pop();
      sizes.pop();
    } else if (op < 70) {
      const k = rnd(live.length);
      const r = as.mremap(
        {
          oldAddress: live[k] as bigint,
          oldSize: sizes[k] as bigint,
          newSize: (sizes[k] as bigint) + PG,
          flags: MREMAP_MAYMOVE,
          newAddress: 0n,
        },
        origin,
      );
      if (r.ok) {
        live[k] = r.value;
        sizes[k] = (sizes[k] as bigint) + PG;
      } else failures++;
    } else if (op < 80) {
      const k = rnd(live.length);
      const r = as.mprotect(live[k] as bigint, PG, rnd(2) ? PROT_READ : PROT_READ | PROT_WRITE, origin);
      if (!r.ok) failures++;
    } else if (op < 90) {
      const k = rnd(live.length);
      as.write(live[k] as bigint, 100n, 0x41, origin);
    } else {
      const k = rnd(live.length);
      as.read(live[k] as bigint, 64n, origin);
    }
    as.markStep(step);
    if (step % 1000 === 0) as.vmasAt(rnd(step + 1));
  }
  return { ms: performance.now() - t0, live: as.mapCount, failures };
}

run(20000, 7); // warm-up
for (let k = 0; k < 3; k++) {
  const r = run(100000, 42 + k);
  console.log(`100k steps: ${r.ms.toFixed(1)} ms, ${r.live} VMAs at the end, ${r.failures} failed calls`);
}
